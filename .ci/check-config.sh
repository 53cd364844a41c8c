#!/usr/bin/env bash
# check-config.sh CONFIG FRAGMENT...: fail if any symbol a fragment sets did
# not end up with that value in CONFIG (Kconfig drops symbols whose
# dependencies are not met, silently).
. "$(dirname "$0")/common.sh"

config=$1; shift
bad=0
while IFS= read -r line; do
	sym=${line%%=*}
	want=${line#*=}
	have=$(grep -E "^$sym=" "$config" | cut -d= -f2- || true)
	[ -n "$have" ] || have=n
	if [ "$have" != "$want" ]; then
		echo "config: $sym=$want requested, got $sym=$have" >&2
		bad=1
	fi
done < <(grep -hE '^CONFIG_[A-Za-z0-9_]+=' "$@")
[ $bad -eq 0 ] || die "required kernel config symbols did not stick (see above)"
