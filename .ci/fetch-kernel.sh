#!/usr/bin/env bash
# Fetch the pinned Linux 7.3 base from Debian's trixie-backports without
# touching the host's apt configuration: a private apt state under
# ~/.cache/nvsvm/apt whose single source entry is made here, at run time, from
# the mirror URI the machine is already configured with.
#
# Prints the path of the verified linux-source tarball on stdout.
. "$(dirname "$0")/common.sh"

APT=$CACHE/apt
DL=$CACHE/dl
mkdir -p "$APT/lists/partial" "$APT/archives/partial" "$DL"

mirror_uri() {
	local f uri=""
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		uri=$(awk '/^Types:/ { deb = ($0 ~ /deb( |$)/) }
			   /^URIs:/ && deb { print $2; exit }' "$f")
		case "$uri" in */debian) break ;; *) uri="" ;; esac
	done
	if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
		uri=$(awk '$1 == "deb" && $2 ~ /\/debian$/ { print $2; exit }' \
			/etc/apt/sources.list | sed 's/\[.*\]//')
	fi
	[ -n "$uri" ] || die "no Debian mirror URI found in the machine's apt configuration"
	echo "$uri"
}

APTOPT=(-o "Dir::Etc::SourceList=$APT/sources.list" -o "Dir::Etc::SourceParts=/nonexistent"
	-o "Dir::State::Lists=$APT/lists" -o "Dir::Cache=$APT"
	-o "Dir::Cache::Archives=$APT/archives" -o "APT::Sandbox::User=root"
	-o "Debug::NoLocking=1")

deb_for() { echo "$DL/${KPKG}_${1//:/%3a}_all.deb"; }

# Fast path: the pinned package is already cached and verified.
deb=$(deb_for "$KVER_PIN")
if [ -f "$deb" ] && echo "$KDEB_SHA256_PIN  $deb" | sha256sum -c --status; then
	ver=$KVER_PIN
else
	uri=$(mirror_uri)
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri $KSUITE main" \
		> "$APT/sources.list"
	log "apt update ($KSUITE, private state under $APT)"
	apt-get -q "${APTOPT[@]}" update >&2 || die "apt-get update for $KSUITE failed"
	ver=$KVER_PIN
	if ! apt-cache "${APTOPT[@]}" show "$KPKG=$KVER_PIN" >/dev/null 2>&1; then
		ver=$(apt-cache "${APTOPT[@]}" madison "$KPKG" | awk '{print $3}' |
		      sort -V | tail -n1)
		[ -n "$ver" ] || die "$KPKG is not available from $KSUITE"
		cat >&2 <<MSG
************************************************************************
WARNING: the pinned $KPKG $KVER_PIN is gone from the mirror.
WARNING: falling back to the newest 7.3.x there: $ver
WARNING: results are NOT from the pinned base; update KVER_PIN.
************************************************************************
MSG
	fi
	want=$(apt-cache "${APTOPT[@]}" show "$KPKG=$ver" | awk '/^SHA256:/ {print $2; exit}')
	[ "$ver" != "$KVER_PIN" ] || [ "$want" = "$KDEB_SHA256_PIN" ] ||
		die "signed index lists $want for $KPKG $ver, pinned $KDEB_SHA256_PIN"
	log "downloading $KPKG $ver"
	(cd "$DL" && apt-get -q "${APTOPT[@]}" download "$KPKG=$ver" >&2) ||
		die "apt-get download $KPKG=$ver failed"
	deb=$(deb_for "$ver")
	echo "$want  $deb" | sha256sum -c --status ||
		die "checksum mismatch for $deb (want $want)"
fi

tarball=$DL/$ver/usr/src/${KPKG}.tar.xz
if [ ! -f "$tarball" ]; then
	rm -rf "$DL/$ver.tmp"
	dpkg -x "$deb" "$DL/$ver.tmp"
	mv "$DL/$ver.tmp" "$DL/$ver"
fi
[ -f "$tarball" ] || die "$deb holds no $KPKG.tar.xz"
echo "$ver" > "$CACHE/kernel-version"
echo "$tarball"
