#!/bin/sh
# Runs inside the test guest (see guest-run.sh): the suites named as
# arguments, each bounded in time, each writing NAME.log and NAME.rc to the
# results share.  The host's summarize.py turns those into the summary.
#
#   hmm    upstream selftests/mm/hmm-tests against test_hmm (device-private
#          and device-coherent variants)
#   kunit  the project's KUnit modules (listed in kunit.modules)
#   igt    the IGT subtests igt-tests/svm.testlist names, as igt_runner
#          runs them (build/igt), with test_hmm and the simulated GPU
#          loaded
#   nouveau  the same on nouveau's path (IGT_FORCE_DRIVER=nouveau): with
#          no NVIDIA GPU, every subtest that needs a device skips saying
#          so, the host-side checks pass
#   fuzz   the ioctl fuzzer (build/tests/svm-fuzz), the race stress
#          (build/tests/svm-stress), the error-path stress
#          (build/tests/svm-inject) and the memory-pressure stress
#          (build/tests/svm-pressure, in a memory cgroup of its own), each
#          for a bounded time, with test_hmm and the simulated GPU loaded
#   demo   the demo program
#   bench  the benchmark (build/tests/svm-bench), with test_hmm and the
#          simulated GPU loaded; raw samples in bench-raw.json
#   profile  perf profiles of one migration direction, ours and
#          test_hmm's (build/tests/svm-prof), side by side
R=$NVSVM_RESULTS
T=$NVSVM_TOP
B=$T/build
MP="modprobe -d $NVSVM_MODS"

# Run "$@" for at most $1 seconds, as timeout(1) -k 5 does, with the same
# exit status; when the time runs out, first print every task blocked in
# the kernel with its stack (sysrq-w: killable waits too, which the hung
# task detector leaves out), so that the console shows where the run
# hung and the scanner fails it on the dump.
bounded() {
	local limit=$1 job dog status
	shift
	timeout -k 5 "$limit" "$@" &
	job=$!
	# The watchdog's sleep must not hold the caller's stdout open once
	# killed: a reader at the end of a pipe would wait for it.
	(sleep $((limit > 3 ? limit - 3 : 1)); kill -0 "$job" 2>/dev/null &&
		echo w > /proc/sysrq-trigger) > /dev/null 2>&1 &
	dog=$!
	wait "$job"
	status=$?
	kill "$dog" 2>/dev/null
	return $status
}

# test_hmm with two device-private devices (hmm_dmirror0/1) and two
# device-coherent ones (2/3) on the carve-outs that guest-run.sh reserves
# with memmap=.  Every suite loads it the same way.
load_test_hmm() {
	$MP test_hmm spm_addr_dev0=0x100000000 spm_addr_dev1=0x120000000
}

# The simulated GPU's fault-ring totals since it was loaded (batches, those
# with faults of several contexts or of several channels of one, duplicate
# entries, dropped faults, overflows), one line that summarize.py repeats.
ring_stats() {
	local f
	# The device's debugfs directory has several names (one per minor).
	for f in /sys/kernel/debug/dri/*/nvsim_fault_ring; do
		[ -r "$f" ] && echo "NVSIM-RING $1: $(tr '\n' ' ' < "$f")" && break
	done
	return 0
}

# "# NVSVM-UPTIME SECONDS": the guest's uptime, a TAP comment line that
# summarize.py reads to give every test its time in junit.xml.
uptime_mark() {
	echo "# NVSVM-UPTIME $(cut -d' ' -f1 /proc/uptime)"
}

# Copies standard input to standard output and puts an uptime mark before
# each line that starts or ends a kselftest harness test ("#  RUN ...",
# "ok N ...", "not ok N ...").  The shell reads a pipe a byte at a time, so
# each mark is taken as its line arrives (awk would read ahead).  It stops
# at the line "# NVSVM-END", not at the end of the input: a test's
# process left behind (the harness runs each in a process group of its
# own, which timeout(1) does not kill) may hold the pipe open forever.
stamp_tap() {
	local line up _
	while IFS= read -r line || [ -n "$line" ]; do
		case $line in
		"# NVSVM-END") return 0 ;;
		"#  RUN "* | "ok "[0-9]* | "not ok "[0-9]*)
			read -r up _ < /proc/uptime
			echo "# NVSVM-UPTIME $up" ;;
		esac
		printf '%s\n' "$line"
	done
}

# The harness's output goes through stamp_tap line by line (stdbuf), so
# each mark is taken when its line is written; /bin/sh has no pipefail, so
# hmm-tests' status travels through a file (no file: the run failed).
suite_hmm() {
	local rc
	load_test_hmm || return 1
	echo madvise > /sys/kernel/mm/transparent_hugepage/enabled
	cd /tmp || return 1
	rm -f /tmp/hmm-tests.rc
	# shellcheck disable=SC2086 # NVSVM_HMM_ARGS is a list of arguments
	{ bounded "${NVSVM_HMM_TIMEOUT:-600}" stdbuf -oL -eL \
		"$B/tests/hmm-tests" $NVSVM_HMM_ARGS 2>&1
	  echo $? > /tmp/hmm-tests.rc
	  echo "# NVSVM-END"; } | stamp_tap
	rc=$(cat /tmp/hmm-tests.rc 2>/dev/null)
	return "${rc:-1}"
}

suite_kunit() {
	local rc=0
	for m in $(cat "$B/tests/kunit.modules"); do
		$MP "$m" || { echo "not ok - cannot load $m"; rc=1; }
	done
	for f in /sys/kernel/debug/kunit/*/results; do
		[ -f "$f" ] && cat "$f"
	done
	return $rc
}

# The jobs of igt-tests/svm.testlist as igt_runner's multiple mode (-m)
# makes them: one line "BINARY SUBTEST,SUBTEST,..." per run of
# consecutive subtests of one binary, which then runs them in one process
# (--run-subtest takes a comma-separated list).
igt_jobs() {
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$T/igt-tests/svm.testlist" |
		awk -F@ '$2 != bin { if (bin != "") print bin, subs; bin = $2; subs = $3; next }
			 { subs = subs "," $3 }
			 END { if (bin != "") print bin, subs }'
}

# NVSVM_IGT: a pattern of the binaries to run (default all);
# NVSVM_IGT_ARGS: arguments that replace the list's subtests (e.g.
# "--run-subtest gpu-read-malloc").
suite_igt() {
	load_test_hmm || return 1
	$MP nouveau_svm_sim || return 1
	local rc=0
	igt_run_jobs || rc=1
	ring_stats igt
	return $rc
}

# The same IGT binaries and list on nouveau's own path: IGT_FORCE_DRIVER
# makes IGT take only a render node of the "nouveau" driver, which this
# machine does not have (no NVIDIA GPU), with nouveau loaded.  Each
# subtest that needs a device skips and says so; those that need none
# (nouveau_svm_compute's host-side checks, hmm_substrate) run as ever.
# summarize.py holds every skip to that reason.
suite_nouveau() {
	load_test_hmm || return 1
	$MP nouveau || return 1
	local rc=0
	export IGT_FORCE_DRIVER=nouveau
	igt_run_jobs || rc=1
	unset IGT_FORCE_DRIVER
	# nouveau, with every patch's nvkm code, unloads as it loaded: with
	# no GPU it bound nothing.  The KUnit module of its formats uses it,
	# and goes first.
	$MP -r nouveau_svm_hw_test 2>/dev/null
	$MP -r nouveau || { echo "not ok - cannot unload nouveau"; rc=1; }
	return $rc
}

# Run the jobs of the test list (igt_jobs), each bounded in time.
igt_run_jobs() {
	local rc=0 name subs t r
	igt_jobs > /tmp/igt.jobs || return 1
	while read -r name subs; do
		# shellcheck disable=SC2254 # NVSVM_IGT is a pattern
		case $name in ${NVSVM_IGT:-*}) ;; *) continue ;; esac
		t=$B/igt/$name
		uptime_mark
		echo "IGT-Binary: $name"
		echo "IGT-Job: ${NVSVM_IGT_ARGS:+(IGT_ARGS) }$subs"
		if [ -n "$NVSVM_IGT_ARGS" ]; then
			# shellcheck disable=SC2086 # a list of arguments
			bounded "${NVSVM_IGT_TIMEOUT:-300}" "$t" $NVSVM_IGT_ARGS < /dev/null
		else
			bounded "${NVSVM_IGT_TIMEOUT:-300}" "$t" --run-subtest "$subs" < /dev/null
		fi
		r=$?
		uptime_mark
		echo "IGT-Exit: $name $r"
		# IGT exits 77 when every subtest skipped; the summary counts skips.
		[ $r -eq 0 ] || [ $r -eq 77 ] || rc=1
	done < /tmp/igt.jobs
	return $rc
}

# NVSVM_FUZZ_SECONDS / NVSVM_STRESS_SECONDS / NVSVM_PRESSURE_SECONDS: how
# long each runs (default 20, 20 and 30 s; 0 leaves it out);
# NVSVM_FUZZ_SEED: the seed of all three (default: a new one, printed);
# NVSVM_INJECT_SECONDS: the error-path stress's time budget (default 60 s;
# it runs every injection point it can reach in that time, then says what
# it cut; 0 leaves it out); NVSVM_FUZZ_SLACK: what each may take beyond its
# time to finish its checks before `timeout` stops it.  NVSVM_INJECT_ARGS:
# more arguments for svm-inject (e.g. "--only migrate-host-thp").
suite_fuzz() {
	load_test_hmm || return 1
	$MP nouveau_svm_sim || return 1
	local rc=0 r p secs seed args
	for p in svm-fuzz svm-stress svm-inject svm-pressure; do
		seed=${NVSVM_FUZZ_SEED:+--seed $NVSVM_FUZZ_SEED}
		args=
		case $p in
		svm-fuzz) secs=${NVSVM_FUZZ_SECONDS:-20} ;;
		svm-stress) secs=${NVSVM_STRESS_SECONDS:-20} ;;
		svm-pressure) secs=${NVSVM_PRESSURE_SECONDS:-30} ;;
		*) secs=${NVSVM_INJECT_SECONDS:-60}; seed= args=${NVSVM_INJECT_ARGS:-} ;;
		esac
		[ "$secs" -gt 0 ] || continue
		uptime_mark
		echo "FUZZ-Binary: $p"
		# shellcheck disable=SC2086 # $seed is two arguments or none, $args words
		bounded $((secs + ${NVSVM_FUZZ_SLACK:-90})) "$B/tests/$p" \
			--seconds "$secs" $seed $args
		r=$?
		uptime_mark
		echo "FUZZ-Exit: $p $r"
		[ $r -eq 0 ] || rc=1
	done
	ring_stats fuzz
	return $rc
}

suite_demo() {
	$MP nouveau_svm_sim || return 1
	"$B/tests/svm-demo"
}

suite_bench() {
	load_test_hmm || return 1
	# VRAM for the largest migration buffer, 256 MiB, in one batch.
	$MP nouveau_svm_sim vram_mb=320 || return 1
	timeout -k 5 "${NVSVM_BENCH_TIMEOUT:-540}" "$B/tests/svm-bench" -o "$R/bench-raw.json"
}

# One profile: perf records @2 (ours or peer) doing @1 (to-vram, to-host,
# first-touch or atomic), that part only (svm-prof drives perf's control
# FIFOs), and reports where the time went: by symbol, self and with
# children, and by thread (which shows the CPUs' idle time as the
# swapper's).
profile_one() {
	local dir=$1 who=$2 data=/tmp/perf-$2.data
	rm -f /tmp/perf.ctl /tmp/perf.ack
	mkfifo /tmp/perf.ctl /tmp/perf.ack || return 1
	# shellcheck disable=SC2086 # NVSVM_PROFILE_ARGS is a list of arguments
	PERF_CTL_FIFO=/tmp/perf.ctl PERF_ACK_FIFO=/tmp/perf.ack \
		timeout -k 5 240 perf record -q -D -1 --control fifo:/tmp/perf.ctl,/tmp/perf.ack \
		-a -g -e cpu-clock -F 1000 -o "$data" -- \
		"$B/tests/svm-prof" "$who" "$dir" $NVSVM_PROFILE_ARGS || return 1
	perf report -i "$data" --kallsyms=/proc/kallsyms --stdio --no-children \
		--sort sym -g none --percent-limit 1 > "$R/profile-$who-self.txt" 2>&1
	perf report -i "$data" --kallsyms=/proc/kallsyms --stdio --children \
		--sort sym -g none --percent-limit 0.5 > "$R/profile-$who-children.txt" 2>&1
	perf report -i "$data" --kallsyms=/proc/kallsyms --stdio --no-children \
		--sort comm -g none > "$R/profile-$who-threads.txt" 2>&1
}

# The same part of ours again, without perf, with the tracepoints of the
# simulated GPU and of the core's fault path on (svm-prof turns the trace
# buffer on and off around it): trace-ours.txt, which
# .ci/profile-stages.py cuts into the stages of each fault on the host.
# The global trace clock orders the events of different CPUs.
trace_one() {
	local dir=$1 t=/sys/kernel/tracing e
	local core="fault_batch fault_group replay invalidate"
	[ -d $t/events ] || mount -t tracefs nodev $t || return 1
	[ -d $t/events/nvsim ] || { echo "no nvsim events in $t"; return 1; }
	echo 0 > $t/tracing_on
	echo global > $t/trace_clock
	echo 16384 > $t/buffer_size_kb
	echo > $t/trace
	echo 1 > $t/events/nvsim/enable
	for e in $core; do
		echo 1 > "$t/events/nouveau_svm/nouveau_svm_$e/enable" || return 1
	done
	# shellcheck disable=SC2086 # NVSVM_PROFILE_ARGS is a list of arguments
	NVSVM_TRACING_ON=$t/tracing_on timeout -k 5 240 \
		"$B/tests/svm-prof" ours "$dir" $NVSVM_PROFILE_ARGS || return 1
	echo 0 > $t/tracing_on
	echo 0 > $t/events/nvsim/enable
	for e in $core; do
		echo 0 > "$t/events/nouveau_svm/nouveau_svm_$e/enable"
	done
	# The buffer must have held every event: a lost one would cut jobs wrong.
	grep -q 'entries-in-buffer/entries-written: \([0-9]*\)/\1 ' $t/trace ||
		{ echo "the trace buffer overran"; return 1; }
	cat $t/trace > "$R/trace-ours.txt"
}

# NVSVM_PROFILE_DIR: to-host (default), to-vram, first-touch or atomic;
# NVSVM_PROFILE_ARGS: more arguments of svm-prof (--mib, --reps, --thp).
suite_profile() {
	local dir=${NVSVM_PROFILE_DIR:-to-host}
	load_test_hmm || return 1
	$MP nouveau_svm_sim vram_mb=320 || return 1
	echo madvise > /sys/kernel/mm/transparent_hugepage/enabled
	command -v perf > /dev/null || { echo "no perf in the guest's root"; return 1; }
	for who in ours peer; do
		profile_one "$dir" "$who" || return 1
	done
	case $dir in
	first-touch|atomic) trace_one "$dir" || return 1 ;;
	esac
	# The modules' symbols, for .ci/profile-symbolize.py on the host.
	grep '\[' /proc/kallsyms > "$R/module-syms.txt"
}

rc=0
for s in "$@"; do
	echo "=== suite $s"
	t0=$(cut -d' ' -f1 /proc/uptime)
	"suite_$s" > "$R/$s.log" 2>&1 < /dev/null
	r=$?
	t1=$(cut -d' ' -f1 /proc/uptime)
	echo "$r" > "$R/$s.rc"
	echo "=== suite $s exited $r ($(awk "BEGIN { printf \"%d\", $t1 - $t0 }") s)"
	[ $r -eq 0 ] || rc=1
done
# Let kmemleak speak if the kernel has it (the debug kernel).  First unload
# what the suites loaded: module exit must free everything, and an object
# that only a module's data pointed to becomes unreferenced once that data
# is gone.  kmemleak reports an object only once it is 5 s old, so wait
# before scanning; a scan is two passes (the first records each object's
# checksum), and two scans with min_unref_scans=2 drop the transient false
# positives of a pointer that was only in flight (a register, an RCU
# update).  The leaks go to the console, where guest-run.sh's scanner
# fails the run on them.
if [ -w /sys/kernel/debug/kmemleak ]; then
	echo "=== kmemleak"
	for m in nouveau_svm_sim $(cat "$B/tests/kunit.modules") test_hmm; do
		grep -q "^$m " /proc/modules || continue
		# A device's drm_pagemap lets go of its module from a work
		# item, a moment after the last client: retry for a while.
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			$MP -r "$m" 2>/dev/null && break
			sleep 0.5
		done
		grep -q "^$m " /proc/modules && echo "=== kmemleak: cannot unload $m"
	done
	p=/sys/module/kmemleak/parameters/min_unref_scans
	[ -w $p ] && echo 2 > $p
	sleep 6
	echo scan > /sys/kernel/debug/kmemleak
	sleep 1
	echo scan > /sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak > "$R/kmemleak.log"
	if [ -s "$R/kmemleak.log" ]; then
		echo "=== kmemleak found leaks"
		cat "$R/kmemleak.log"
		rc=1
	else
		echo "=== kmemleak: no leaks"
	fi
fi
exit $rc
