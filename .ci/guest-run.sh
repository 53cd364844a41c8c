#!/usr/bin/env bash
# Boot the test kernel in QEMU and run one job in it, bounded in time.
#
#   guest-run.sh [-t SECONDS] [-o RESULTS_DIR] [-a KERNEL_ARGS] JOB [ARG...]
#
# The guest has NVSVM_GUEST_MEM of memory (default 4G).
#
# JOB runs inside the guest (the host's root, read-only over 9p) with ARGs
# and these variables: NVSVM_TOP (the repo), NVSVM_MODS (modules to load
# with `modprobe -d`), NVSVM_RESULTS (/tmp/results, the host's RESULTS_DIR).
#
# Fails when the job fails, when the guest does not finish in time (it is
# killed; the console tail is shown), and when the console holds a kernel
# oops, BUG, WARN, KASAN, UBSAN, lockdep or kmemleak report, whatever the
# job said.  The console is kept as RESULTS_DIR/console.log.
. "$(dirname "$0")/common.sh"

timeout_s=${NVSVM_GUEST_TIMEOUT:-900}
mem=${NVSVM_GUEST_MEM:-4G}
out=$RESULTS
extra=""
while getopts "t:o:a:" opt; do
	case $opt in
	t) timeout_s=$OPTARG ;;
	o) out=$OPTARG ;;
	a) extra=$OPTARG ;;
	*) die "usage: guest-run.sh [-t S] [-o DIR] [-a ARGS] JOB [ARG...]" ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || die "guest-run.sh: no job given"

kernel=$KOBJ/arch/x86/boot/bzImage
[ -f "$kernel" ] || die "no kernel at $kernel: run the build first"
mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -f "$out/guest.rc" "$out/console.log"

# The job file lives in the results dir: the guest reaches it through the
# read-only root at the same path.
job=$out/job.sh
{
	echo '#!/bin/sh'
	printf 'export NVSVM_TOP=%q NVSVM_MODS=%q NVSVM_RESULTS=/tmp/results\n' "$TOP" "$MODS"
	# Other NVSVM_* settings of the caller travel into the guest.
	while IFS='=' read -r k _; do
		case $k in NVSVM_TOP|NVSVM_MODS|NVSVM_RESULTS) continue ;; esac
		printf 'export %s=%q\n' "$k" "${!k}"
	done < <(env | grep -E '^NVSVM_[A-Z0-9_]+=' || true)
	printf 'exec'; printf ' %q' "$@"; echo
} > "$job"
chmod +x "$job"

# KVM is used only where it really boots a guest (here it does not): the
# verdict is cached per host kernel and QEMU version.
kvm_works() {
	local key probe rc
	[ -w /dev/kvm ] || return 1
	key="$(uname -r) $(qemu-system-x86_64 --version | head -n1)"
	probe=$CACHE/kvm-probe
	if [ "$(head -n1 "$probe" 2>/dev/null)" != "$key" ]; then
		log "probing KVM (once per host kernel and QEMU)"
		local d; d=$(mktemp -d -p "$CACHE")
		printf '#!/bin/sh\nexit 0\n' > "$d/job.sh"; chmod +x "$d/job.sh"
		timeout -k 5 60 qemu-system-x86_64 -enable-kvm -cpu host -m 512M \
			-nographic -no-reboot -kernel "$kernel" \
			-append "console=ttyS0 root=hostroot rootfstype=9p rootflags=trans=virtio,version=9p2000.L ro init=$TOP/.ci/guest-init.sh NVSVM_JOB=$d/job.sh panic=-1" \
			-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
			-virtfs local,path="$d",mount_tag=results,security_model=none,multidevs=remap \
			> "$d/console" 2>&1 </dev/null
		rc=no; [ "$(cat "$d/guest.rc" 2>/dev/null)" = 0 ] && rc=yes
		printf '%s\n%s\n' "$key" "$rc" > "$probe"
		rm -rf "$d"
	fi
	[ "$(sed -n 2p "$probe")" = yes ]
}

accel=(-accel tcg,thread=multi -cpu max)
if [ "${NVSVM_NO_KVM:-}" != 1 ] && kvm_works; then
	accel=(-enable-kvm -cpu host)
fi

# Two reserved carve-outs for test_hmm's device-coherent devices: 256 MiB
# each (test_hmm's chunk size), section-aligned, inside guest RAM above 4G.
append="console=ttyS0 root=hostroot rootfstype=9p"
append+=" rootflags=trans=virtio,version=9p2000.L,msize=262144 ro"
append+=" init=$TOP/.ci/guest-init.sh NVSVM_JOB=$job NVSVM_TOP=$TOP"
append+=" panic=-1 oops=panic transparent_hugepage=madvise"
append+=" memmap=256M!0x100000000 memmap=256M!0x120000000 $extra"

log "booting the guest (${accel[*]}, limit ${timeout_s} s): $*"
: > "$out/console.log"
# Show the job's progress lines ("=== ...") as they come.
tail -n +1 -F "$out/console.log" 2>/dev/null | grep --line-buffered '^=== ' &
progress=$!
trap 'kill $progress 2>/dev/null || true' EXIT
set +e
timeout -k 10 "$timeout_s" qemu-system-x86_64 "${accel[@]}" -smp 2 -m "$mem" \
	-nographic -no-reboot -kernel "$kernel" -append "$append" \
	-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
	-virtfs local,path="$out",mount_tag=results,security_model=none,multidevs=remap \
	-virtfs local,path="$TOP",mount_tag=repo,security_model=none,readonly=on,multidevs=remap \
	-serial file:"$out/console.log" -monitor none -display none \
	</dev/null >"$out/qemu.log" 2>&1
qrc=$?
set -e
sleep 0.5; kill $progress 2>/dev/null || true

fail=""
if [ $qrc -eq 124 ] || [ $qrc -eq 137 ]; then
	fail="the guest did not finish within $timeout_s s and was killed"
elif [ ! -f "$out/guest.rc" ]; then
	fail="the guest stopped before its job finished (panic or crash; qemu exit $qrc)"
fi
reports=$("$TOP/.ci/scan-console.sh" "$out/console.log" || true)
if [ -n "$reports" ]; then
	fail="${fail:+$fail; }the kernel reported problems:"$'\n'"$reports"
fi
if [ -n "$fail" ]; then
	echo "---- console tail ($out/console.log) ----" >&2
	tail -n 40 "$out/console.log" >&2
	cat "$out/qemu.log" >&2
	echo "----" >&2
	echo "GUEST FAILURE: $fail" >&2
	exit 3
fi
exit "$(cat "$out/guest.rc")"
