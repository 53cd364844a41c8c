#!/usr/bin/env bash
# Configure and build the guest kernel and its modules.
#
#   build-kernel.sh [FRAGMENT...]
#
# The config is tinyconfig plus the given fragments (default: the test
# kernel's).  Every symbol a fragment sets must survive olddefconfig, or the
# build fails naming the symbol.  The .config is only replaced when its
# content changes, so an unchanged config rebuilds nothing.
. "$(dirname "$0")/common.sh"

frags=("$@")
[ ${#frags[@]} -gt 0 ] || frags=("$TOP/Kconfig/test-kernel.config")

"$TOP/.ci/prepare-tree.sh"

# Kconfig: generate into a scratch object dir, then compare.
gen=$KOBJ.kconfig
mkdir -p "$KOBJ" "$gen"
stamp=$(cat "${frags[@]}" "$BUILD/src/stamp" | sha256sum | cut -d' ' -f1)
if [ "$(cat "$KOBJ/config.stamp" 2>/dev/null)" != "$stamp" ] || [ ! -f "$KOBJ/.config" ]; then
	log "configuring: tinyconfig + ${frags[*]##*/}"
	make -s -C "$SRC" O="$gen" ARCH=x86_64 tinyconfig >/dev/null
	KCONFIG_CONFIG=$gen/.config "$SRC/scripts/kconfig/merge_config.sh" -m \
		-O "$gen" "$gen/.config" "${frags[@]}" >/dev/null
	make -s -C "$SRC" O="$gen" ARCH=x86_64 olddefconfig >/dev/null
	"$TOP/.ci/check-config.sh" "$gen/.config" "${frags[@]}"
	cmp -s "$gen/.config" "$KOBJ/.config" || cp "$gen/.config" "$KOBJ/.config"
	echo "$stamp" > "$KOBJ/config.stamp"
fi

log "building bzImage and modules in ${KOBJ#$TOP/}"
start=$(date +%s)
"${KMAKE[@]}" -s bzImage modules
rm -rf "$MODS.new"
"${KMAKE[@]}" -s INSTALL_MOD_PATH="$MODS.new" modules_install >/dev/null
rm -rf "$MODS" && mv "$MODS.new" "$MODS"
"${KMAKE[@]}" -s headers_install INSTALL_HDR_PATH="$KOBJ/usr" >/dev/null
log "kernel built in $(( $(date +%s) - start )) s ($(cat "$KOBJ/include/config/kernel.release"))"
