#!/usr/bin/env bash
# scan-console.sh CONSOLE_LOG: print every kernel report in a guest console
# log (oops, BUG, WARN, KASAN, UBSAN, lockdep, kmemleak, hung task, panic)
# with its line number; exit 1 if there is any, 0 if the log is clean.
#
# One report is expected and excused: the memory-cgroup OOM killer's (the
# pressure stress, svm-pressure, runs a cgroup out of memory on purpose).
# Its report runs from "<comm> invoked oom-killer:" to the line
# "oom-kill:constraint=CONSTRAINT_...", and carries a stack dump ("Call
# Trace:").  That "Call Trace:" line alone is excused, and only in a block
# whose constraint line says CONSTRAINT_MEMCG: a global OOM (CONSTRAINT_NONE),
# a block that never reaches its constraint line, and any other report
# inside the block (a WARN from the other CPU, say) still count.
#
# A memcg OOM may find every task of the cgroup killed already (the fault
# worker charging a page it faults in for a process that was just killed):
# its report then ends with "Out of memory and no killable processes..."
# instead of a constraint line, after the cgroup's statistics ("Memory
# cgroup stats for"), and the kernel goes on (only a global OOM panics
# there).  Such a block is excused too, and only with those statistics.
#
# The OOM reaper may then fail to take the victim's mmap lock (khugepaged
# holds it, say) and print "oom_reaper: unable to reap pid:N" with the
# victim's task state, a stack dump ending in "</TASK>".  That "Call
# Trace:" is excused too, and only when N is a process a memcg OOM killed
# earlier in the log; anything else in it still counts.
#
# scan-console.sh --self-test checks this on tiny sample logs.
set -u
pat='(^|\] )(BUG:|WARNING:|Oops|Kernel panic|kernel BUG|general protection fault|'
pat+='Unable to handle|unable to handle|KASAN:|UBSAN:|KFENCE:|'
pat+='======================================================|'
pat+='possible circular locking|possible recursive locking|inconsistent lock state|'
pat+='suspicious RCU usage|DEBUG_LOCKS_WARN_ON|unreferenced object|'
pat+='INFO: task .* blocked|INFO: rcu_.* stall|watchdog: BUG|'
pat+='list_add corruption|list_del corruption|refcount_t:|Call Trace:)'

# The report lines of a log, "LINE:text", memcg OOM stack dumps left out.
reports() {
	PAT=$pat awk '
	function flush() { for (i = 0; i < held; i++) print kept[i]; held = 0 }
	function pid_after(s, key) {
		s = substr(s, index(s, key) + length(key))
		return s + 0
	}
	/invoked oom-killer:/ { flush(); oom = 1; memcg_stats = 0 }
	oom && /Memory cgroup stats for / { memcg_stats = 1 }
	oom && /Out of memory and no killable processes/ {
		if (!memcg_stats)
			flush()
		held = 0
		oom = 0
	}
	/Memory cgroup out of memory: Killed process [0-9]+/ {
		memcg_killed[pid_after($0, "Killed process ")] = 1
	}
	/oom_reaper: unable to reap pid:[0-9]+/ {
		reap = (pid_after($0, "reap pid:") in memcg_killed)
	}
	$0 ~ ENVIRON["PAT"] {
		if (oom && $0 ~ /(^|\] )Call Trace:[[:space:]]*$/)
			kept[held++] = NR ":" $0
		else if (!(reap && $0 ~ /(^|\] )Call Trace:[[:space:]]*$/))
			print NR ":" $0
	}
	reap && /<\/TASK>/ { reap = 0 }
	oom && /oom-kill:constraint=/ {
		if ($0 !~ /oom-kill:constraint=CONSTRAINT_MEMCG,/)
			flush()
		held = 0
		oom = 0
	}
	END { flush() }
	' "$1" | sort -t: -k1,1n
}

self_test() {
	local d rc=0 memcg global warn reap
	d=$(mktemp -d)
	# shellcheck disable=SC2064 # expand $d now
	trap "rm -rf '$d'" RETURN
	memcg='[  5.1] svm-pressure invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=1000
[  5.1] CPU: 1 UID: 0 PID: 99 Comm: svm-pressure Not tainted 7.3.4 #1 PREEMPT(voluntary)
[  5.1] Call Trace:
[  5.1]  <TASK>
[  5.1]  dump_stack_lvl+0x5d/0x80
[  5.1]  </TASK>
[  5.1] memory: usage 49152kB, limit 49152kB, failcnt 10
[  5.1] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/svm-pressure.1,task_memcg=/svm-pressure.1,task=svm-pressure,pid=99,uid=0
[  5.1] Memory cgroup out of memory: Killed process 99 (svm-pressure) total-vm:40000kB'
	global=${memcg//CONSTRAINT_MEMCG/CONSTRAINT_NONE}
	warn=${memcg/\[  5.1\] memory:/[  5.1] WARNING: CPU: 0 PID: 7 at mm/x.c:1 f+0x1/0x2
[  5.1] memory:}
	printf '%s\n' "$memcg" > "$d/memcg"
	printf '%s\n' "$global" > "$d/global"
	printf '%s\n' "$warn" > "$d/warn"
	printf '%s\n' "$memcg" | head -n 4 > "$d/cut"
	nokill=$(printf '%s\n' "$memcg" | head -n 7)
	printf '%s\n[  5.1] Memory cgroup stats for /svm-pressure.1:\n[  5.1] Out of memory and no killable processes...\n' \
		"$nokill" > "$d/nokill"
	printf '%s\n[  5.1] Out of memory and no killable processes...\n' "$nokill" > "$d/nokill-global"
	reap='[  7.2] oom_reaper: unable to reap pid:99 (svm-pressure)
[  7.2] task:svm-pressure    state:D stack:0     pid:99    tgid:99    ppid:1
[  7.2] Call Trace:
[  7.2]  <TASK>
[  7.2]  __schedule+0xc79/0x1db0
[  7.2]  </TASK>'
	printf '%s\n%s\n' "$memcg" "$reap" > "$d/reap"
	printf '%s\n' "${reap//pid:99/pid:98}" > "$d/reap-other"
	[ -z "$(reports "$d/memcg")" ] || { echo "self-test: a memcg OOM was reported"; rc=1; }
	[ "$(reports "$d/global" | cut -d: -f1)" = 3 ] ||
		{ echo "self-test: a global OOM was not reported"; rc=1; }
	[ "$(reports "$d/warn" | cut -d: -f1)" = 7 ] ||
		{ echo "self-test: a WARN inside a memcg OOM was not reported alone"; rc=1; }
	[ "$(reports "$d/cut" | cut -d: -f1)" = 3 ] ||
		{ echo "self-test: an OOM report without its constraint was not reported"; rc=1; }
	[ -z "$(reports "$d/nokill")" ] ||
		{ echo "self-test: a memcg OOM with no killable process was reported"; rc=1; }
	[ "$(reports "$d/nokill-global" | cut -d: -f1)" = 3 ] ||
		{ echo "self-test: an OOM with no killable process outside a memcg was not reported"; rc=1; }
	[ -z "$(reports "$d/reap")" ] ||
		{ echo "self-test: the reaper's dump of a memcg OOM victim was reported"; rc=1; }
	[ "$(reports "$d/reap-other" | cut -d: -f1)" = 3 ] ||
		{ echo "self-test: the reaper's dump of another task was not reported"; rc=1; }
	[ $rc -eq 0 ] && echo "scan-console.sh: self-test ok"
	return $rc
}

if [ "${1:-}" = --self-test ]; then
	self_test
	exit
fi
out=$(reports "$1")
if [ -n "$out" ]; then
	printf '%s\n' "$out" | head -n 40
	exit 1
fi
exit 0
