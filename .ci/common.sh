# shellcheck shell=bash
# Common settings for the build pipeline; sourced by the other .ci scripts.
# Everything downloaded or cached lives under ~/.cache/nvsvm so a fresh clone
# (CI) reuses it; everything built lives under build/ in the repo (ignored).

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
CACHE=${NVSVM_CACHE:-$HOME/.cache/nvsvm}

# The pinned base: Debian's linux-source-7.3 from trixie-backports.
KPKG=linux-source-7.3
KVER_PIN=7.3.4-1~bpo13+1
KDEB_SHA256_PIN=703e369ddd4cce971452f5a593ee55df3a5c10c83caf0fa0df039633ed181ee3
KSUITE=trixie-backports

SRC=$BUILD/src/linux           # pristine + patches + overlay
KOBJ=${KOBJ:-$BUILD/kernel}     # kernel objects (O=)
MODS=$KOBJ/modules-install      # INSTALL_MOD_PATH for the guest
RESULTS=${RESULTS:-$BUILD/results}

export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
export CCACHE_BASEDIR=$BUILD
export CCACHE_NOHASHDIR=1
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}

KMAKE=(make -C "$SRC" O="$KOBJ" ARCH=x86_64 CC="ccache gcc" HOSTCC="ccache gcc"
       -j"$(nproc)")

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf '\033[1;31mERROR: %s\033[0m\n' "$*" >&2; exit 1; }
