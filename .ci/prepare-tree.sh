#!/usr/bin/env bash
# Lay out the kernel source tree under build/src/linux: the pristine base,
# then patches/*.patch in the order patches/series.plan gives them, then
# drivers/, include/ and Documentation/ copied over it, less the upstream
# files the series removes (the plan's "remove" lines): the tree the patch
# series ends at (make series checks that).  A change to the base or to patches/ starts again
# from a pristine tree, every file of it newer than any object built
# before; an edit to an overlay file copies only that file (rsync
# --checksum), so kbuild rebuilds only what changed.
. "$(dirname "$0")/common.sh"

tarball=$("$TOP/.ci/fetch-kernel.sh")
mkdir -p "$BUILD/src"

stamp_now() {
	{
		echo "$tarball"
		cd "$TOP" && find patches -name '*.patch' -print0 | sort -z |
			xargs -0r sha256sum
		plan_patches
		removed_files
	} | sha256sum | cut -d' ' -f1
}

# The patches in the series' order: the plan's "patch N" and "from N".
plan_patches() {
	local n hits
	awk '$1 == "patch" || $1 == "from" { print $2 }' "$TOP/patches/series.plan" |
	while read -r n; do
		hits=("$TOP"/patches/"$n"-*.patch)
		[ ${#hits[@]} -eq 1 ] && [ -e "${hits[0]}" ] ||
			die "series.plan: patch $n is ${#hits[@]} files in patches/"
		echo "${hits[0]}"
	done
}

removed_files() {
	awk '$1 == "remove" { print $2 }' "$TOP/patches/series.plan"
}

overlay_files() {
	(cd "$TOP" && find drivers include Documentation -type f 2>/dev/null | sort)
}

apply_patches() {
	local p list
	list=$(plan_patches) || exit 1
	[ "$(wc -l <<<"$list")" -eq "$(find "$TOP/patches" -name '*.patch' | wc -l)" ] ||
		die "patches/ has a patch that series.plan does not list"
	for p in $list; do
		if ! out=$(cd "$SRC" && patch -p1 --batch --forward \
				--no-backup-if-mismatch < "$p" 2>&1); then
			echo "$out" >&2
			find "$SRC" -name '*.rej' -exec sh -c \
				'echo "--- rejected hunks in ${1#$2/}:"; cat "$1"' _ {} "$SRC" \; >&2
			die "patch $(basename "$p") does not apply to the base tree"
		fi
	done
}

stamp=$(stamp_now)
manifest=$BUILD/src/overlay.manifest
if [ "$(cat "$BUILD/src/stamp" 2>/dev/null)" != "$stamp" ] ||
   [ ! -d "$SRC" ] ||
   [ -n "$(comm -23 "$manifest" <(overlay_files) 2>/dev/null)" ]; then
	log "unpacking a pristine tree ($(basename "$(dirname "$(dirname "$(dirname "$tarball")")")"))"
	rm -rf "$SRC" "$BUILD/src/stamp"
	mkdir -p "$SRC"
	# --touch: a file the old patches changed comes back with the
	# tarball's mtime, older than its object, and kbuild would keep the
	# patched object; new mtimes rebuild everything (from ccache).
	tar -C "$SRC" --strip-components=1 --touch -xf "$tarball"
	log "applying $(plan_patches | wc -l) patch(es) in series.plan's order"
	apply_patches
	removed_files | while read -r f; do
		rm -- "$SRC/$f" || die "series.plan removes $f, which is not in the tree"
	done
	echo "$stamp" > "$BUILD/src/stamp"
fi

# Overlay: copy only files whose content changed, so their mtime moves and
# nothing else's does.
for d in drivers include Documentation; do
	[ -d "$TOP/$d" ] || continue
	rsync -r --checksum "$TOP/$d/" "$SRC/$d/"
done
overlay_files > "$manifest"
