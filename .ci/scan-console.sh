#!/usr/bin/env bash
# scan-console.sh CONSOLE_LOG: print every kernel report in a guest console
# log (oops, BUG, WARN, KASAN, UBSAN, lockdep, kmemleak, hung task, panic)
# with its line number; exit 1 if there is any, 0 if the log is clean.
set -u
pat='(^|\] )(BUG:|WARNING:|Oops|Kernel panic|kernel BUG|general protection fault|'
pat+='Unable to handle|unable to handle|KASAN:|UBSAN:|KFENCE:|'
pat+='======================================================|'
pat+='possible circular locking|possible recursive locking|inconsistent lock state|'
pat+='suspicious RCU usage|DEBUG_LOCKS_WARN_ON|unreferenced object|'
pat+='INFO: task .* blocked|INFO: rcu_.* stall|watchdog: BUG|'
pat+='list_add corruption|list_del corruption|refcount_t:|Call Trace:)'
if grep -naE "$pat" "$1" | head -n 40; then
	exit 1
fi
exit 0
