#!/usr/bin/env bash
# make series-check: the series `make series` wrote is bisectable.
#
# It checks out the series' commits one by one in a tree of their own
# (build/series/src/linux, objects in build/series/kernel) and, at every
# step:
#  - configures the test kernel's .config for that step (olddefconfig
#    drops what the step does not have yet);
#  - builds nouveau, the SVM modules once they exist, and every .c file
#    the step changes outside nouveau, with W=1; a warning in a file the
#    series has changed so far fails the step;
#  - checks that nouveau's modules would link (.ci/series-link.py);
#  - runs checkpatch --strict on the step's patch, in the tree.
# Then every file the series adds has a MAINTAINERS entry: checkpatch's
# "does MAINTAINERS need updating?" is left to this check, because the
# entry comes at the end of the series.
#
# A step that passed is not built again while its commit (and so the whole
# series up to it), this script and the configuration are the same; it
# says so ("passed before").  SERIES_CHECK_FRESH=1 checks every step.
. "$(dirname "$0")/common.sh"

S=$BUILD/series
repo=$S/repo
pdir=$S/patches
wt=$S/src/linux
obj=$S/kernel
want=$BUILD/kernel/.config
symvers=$BUILD/kernel/Module.symvers
NV=drivers/gpu/drm/nouveau
SMAKE=(make -C "$wt" O="$obj" ARCH=x86_64 CC="ccache gcc" HOSTCC="ccache gcc"
       -j"$(nproc)")

[ -d "$repo/.git" ] && [ -f "$pdir/0000-cover-letter.patch" ] ||
	die "no series: run make series first"
[ -f "$want" ] && [ -f "$symvers" ] || die "no test kernel build: run make kernel first"

# The objects sit at the same place relative to their sources as the test
# kernel's (../src/linux), so ccache's base-dir rewriting shares entries.
if ! git -C "$wt" rev-parse --verify -q HEAD >/dev/null 2>&1; then
	rm -rf "$wt"
	git -C "$repo" worktree prune
	mkdir -p "$(dirname "$wt")"
	git -C "$repo" worktree add -q --detach "$wt" base
fi
mkdir -p "$obj" "$S/passed"

mapfile -t commits < <(git -C "$repo" rev-list --reverse base..series)
mapfile -t pfiles < <(find "$pdir" -name '[0-9]*.patch' ! -name '0000-*' | sort)
[ ${#commits[@]} -gt 0 ] && [ ${#commits[@]} -eq ${#pfiles[@]} ] ||
	die "the series has ${#commits[@]} commits but $pdir ${#pfiles[@]} patches"

key_of() { # COMMIT
	{
		echo "$1"
		cat "$TOP/.ci/series-check.sh" "$TOP/.ci/series-link.py" "$want" "$symvers"
		gcc --version | head -n1
	} | sha256sum | cut -d' ' -f1
}

# The objects a step builds: nouveau, svm/ if the step has it, and each
# changed .c outside nouveau.
targets_of() { # COMMIT
	echo "$NV/"
	[ -f "$wt/$NV/svm/Makefile" ] && echo "$NV/svm/"
	git -C "$repo" diff --name-only --diff-filter=AMR "$1~1" "$1" |
		grep -v "^$NV/" | sed -n 's/\.c$/.o/p'
}

# W=1 warnings (objtool's, said of the .o, too) in files the series has
# changed up to COMMIT.
our_warnings() { # COMMIT LOG
	local touched file
	touched=$(git -C "$repo" diff --name-only base "$1")
	grep -E ': warning: ' "$2" | sed -E 's|^[^:]*src/linux/||; s|^\./||' |
		while IFS= read -r line; do
			file=${line%%:*}
			file=${file%.o}
			[ "$file" = "${line%%:*}" ] || file=$file.c
			grep -qxF "$file" <<<"$touched" && echo "$line"
		done
	return 0
}

# Objects of every .c the series has changed up to COMMIT go, so that
# their warnings are printed again at each step (ccache keeps it cheap).
forget_objects() { # COMMIT
	git -C "$repo" diff --name-only --diff-filter=AMR base "$1" |
		sed -n 's/\.c$/.o/p' | (cd "$obj" && xargs -r rm -f --)
}

# Runs in an `if`, where set -e does not hold: every command is checked.
check_step() { # INDEX COMMIT PATCH
	local i=$1 c=$2 p=$3 log=$S/step.log out req
	git -C "$wt" checkout -q -f --detach "$c" &&
		[ "$(git -C "$wt" rev-parse HEAD)" = "$c" ] ||
		{ echo "step $i: cannot check out $c"; return 1; }
	cp "$want" "$obj/.config" || return 1
	"${SMAKE[@]}" -s olddefconfig >"$log" 2>&1 ||
		{ cat "$log"; return 1; }
	forget_objects "$c" || return 1
	mapfile -t targets < <(targets_of "$c")
	if ! "${SMAKE[@]}" W=1 "${targets[@]}" >"$log" 2>&1; then
		grep -E 'error|Error' "$log" | head -n 40
		echo "step $i: the build failed (${targets[*]})"
		return 1
	fi
	out=$(our_warnings "$c" "$log")
	[ -z "$out" ] || { echo "$out"; echo "step $i: W=1 warnings in the series' files"; return 1; }
	mapfile -t dirs < <(printf '%s\n' "${targets[@]}" | sed -n 's|/$||p')
	# nouveau is always built; the core once svm/ is there.
	req=$NV/nouveau.o
	[ -f "$wt/$NV/svm/Makefile" ] && req+=,$NV/svm/nouveau_svm_core.o
	out=$(python3 "$TOP/.ci/series-link.py" "$obj" "$symvers" "$req" "${dirs[@]}") ||
		{ echo "$out"; echo "step $i: nouveau's modules would not link"; return 1; }
	# CAMELCASE: as in check.sh, upstream's names (NVIDIA's RM ABI) stay.
	out=$(cd "$wt" && perl scripts/checkpatch.pl --strict --quiet --show-types \
		--ignore FILE_PATH_CHANGES,CAMELCASE "$p" 2>&1) ||
		{ echo "$out"; echo "step $i: checkpatch --strict"; return 1; }
	return 0
}

# Every file the series adds is some MAINTAINERS entry's, and the entry
# that covers nouveau/svm/ is the new one.
check_maintainers() {
	local f bad=0 m added
	git -C "$wt" checkout -q -f --detach series || return 1
	added=$(git -C "$repo" diff --name-only --diff-filter=A base series) || return 1
	[ -n "$added" ] || { echo "the series adds no file"; return 1; }
	while IFS= read -r f; do
		m=$(cd "$wt" && perl scripts/get_maintainer.pl --no-git --no-git-fallback \
			--no-rolestats --no-l --no-r -f "$f" 2>/dev/null)
		if ! grep -q 'maintainers@users.noreply' <<<"$m"; then
			echo "$f: no MAINTAINERS entry of nouveau SVM covers it"
			bad=1
		fi
	done <<<"$added"
	return $bad
}

n=${#commits[@]} failed=0 fresh=0 before=0
log "checking $n patches of build/series/patches one by one"
for ((i = 0; i < n; i++)); do
	c=${commits[i]} p=${pfiles[i]}
	head -n1 "$p" | grep -q "^From $c " || die "$(basename "$p") is not commit $c"
	subject=$(git -C "$repo" log -1 --format=%s "$c")
	key=$(key_of "$c")
	if [ -z "${SERIES_CHECK_FRESH:-}" ] && [ -f "$S/passed/$key" ]; then
		printf '[%2d/%d] passed before: %s\n' $((i + 1)) "$n" "$subject"
		before=$((before + 1))
		continue
	fi
	start=$(date +%s)
	if check_step $((i + 1)) "$c" "$p"; then
		touch "$S/passed/$key"
		fresh=$((fresh + 1))
		printf '[%2d/%d] ok (%d s): %s\n' $((i + 1)) "$n" $(($(date +%s) - start)) "$subject"
	else
		printf '[%2d/%d] FAILED: %s\n' $((i + 1)) "$n" "$subject"
		failed=1
		break
	fi
done
if [ $failed -eq 0 ]; then
	check_maintainers || failed=1
fi
if [ $failed -eq 0 ]; then
	echo "series-check: $n patches build one by one (W=1), link and pass checkpatch --strict ($fresh checked now, $before passed before)"
else
	echo "series-check: FAILED"
	exit 1
fi
