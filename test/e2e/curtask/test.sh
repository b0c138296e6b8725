#!/bin/sh
# Real-kernel test of curtask (guest script, run by test/e2e/difftest in
# both builds: curtask.ko, then the DUSK user build).
#
# `current` where the kernel runs module code: module_init and module_exit
# (insmod's and rmmod's task, or the program's own: a named user task
# either way, never NULL), a /proc reader and writer (cat, sh), and a
# for_each_process walk.  Every access is bounded.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=20

# expect_proc WANT: /proc/curtask reads exactly WANT.
expect_proc() {
	timeout -s KILL "$LIMIT" cat /proc/curtask >/tmp/got 2>/tmp/err ||
		dusk_fail "reading /proc/curtask failed: $(cat /tmp/err)"
	got=$(cat /tmp/got)
	if [ "$got" != "$1" ]; then
		printf 'got:\n%s\nwant:\n%s\n' "$got" "$1"
		dusk_fail "/proc/curtask differs"
	fi
	dusk_pass "/proc/curtask: $(printf '%s' "$got" | tr '\n' ',')"
}

samples_load curtask || dusk_fail "load curtask (module_init asks get_task_comm(current))"
expect_proc "pid 1 is init
reader cat, init found 1, tasks 1
last writer none"
timeout -s KILL "$LIMIT" sh -c 'echo hello >/proc/curtask' 2>/tmp/err ||
	dusk_fail "writing /proc/curtask failed: $(cat /tmp/err)"
dusk_pass "wrote /proc/curtask"
expect_proc "pid 1 is init
reader cat, init found 1, tasks 1
last writer sh"

# A task looked up by pid (get/put_task_struct: put_task_struct's inline
# body hides code only a PREEMPT_RT kernel compiles) and signalled.
timeout -s KILL "$LIMIT" sh -c 'trap "echo usr1 >/tmp/usr1" USR1; echo "pid $$" >/proc/curtask; sleep 0.3' ||
	dusk_fail "writing a pid to /proc/curtask failed"
[ "$(cat /tmp/usr1 2>/dev/null)" = usr1 ] || dusk_fail "the named task got no SIGUSR1"
dusk_pass "the task named by pid was found and signalled"
timeout -s KILL "$LIMIT" sh -c 'echo "pid 999999" >/proc/curtask' ||
	dusk_fail "writing an unused pid to /proc/curtask failed"

samples_unload_within curtask "$LIMIT"
samples_logged "curtask: pid lookup: sh, tgid matches 1"
samples_logged "curtask: pid lookup: none"
samples_logged "curtask: init: named 1, pid 1, user task 1"
samples_logged "curtask: 6 bytes from sh"
samples_logged "curtask: exit: named 1, pid 1, user task 1"
dusk_dmesg_clean curtask
echo "curtask: all checks passed"
