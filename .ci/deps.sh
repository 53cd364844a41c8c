#!/usr/bin/env bash
# Install the Debian packages the pipeline needs, if any is missing.  Runs
# apt-get only when something is missing, so a warm machine pays nothing.
. "$(dirname "$0")/common.sh"

pkgs=(build-essential bc bison flex libelf-dev libssl-dev cpio kmod rsync
      xz-utils ccache sparse qemu-system-x86 qemu-utils intel-gpu-tools
      libdrm-dev python3 gnuplot-nox perl binutils python3-sphinx python3-yaml
      graphviz libcairo2-dev)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
log "installing Debian packages: ${missing[*]}"
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
$SUDO apt-get update -q >/dev/null || die "apt-get update failed"
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends \
	"${missing[@]}" >/dev/null || die "apt-get install ${missing[*]} failed"
