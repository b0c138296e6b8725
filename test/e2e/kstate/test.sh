#!/bin/sh
# Real-kernel test of kstate (guest script, run by test/e2e/difftest in
# both builds: kstate.ko, then the DUSK user build).
#
# The module sleeps with set_current_state() + schedule_timeout(): once in
# module_init (TASK_UNINTERRUPTIBLE), then in a kernel thread
# (TASK_INTERRUPTIBLE) that writers of /proc/kstate wake with
# wake_up_process() and module_exit stops with kthread_stop().  In the user
# build the state the module sets must be the state its next kernel call
# runs in: each sleep sleeps its whole timeout, a wake-up ends it, and the
# module reads back the state it set.  Every wait is bounded.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=20	# seconds for one /proc access

# read_proc: /proc/kstate's contents in $got.
read_proc() { dusk_read_proc /proc/kstate; }

# kick N: write "wake", wait until the thread has seen kick N.
kick() {
	timeout -s KILL "$LIMIT" sh -c 'echo wake >/proc/kstate' 2>/tmp/err ||
		dusk_fail "'wake' failed: $(cat /tmp/err)"
	i=0
	until read_proc && [ "$got" = "wakes $1" ]; do
		i=$((i + 1))
		[ $i -le 50 ] || dusk_fail "kick $1 did not wake the thread: /proc/kstate says '$got'"
		sleep 0.2
	done
	dusk_pass "kick $1 woke the thread"
}

dmesg -c >/dev/null
samples_load kstate || dusk_fail "load kstate"
read_proc
[ "$got" = "wakes 0" ] || dusk_fail "after load: /proc/kstate says '$got'"
dusk_pass "after load: /proc/kstate says '$got'"
# The thread sleeps 30 s between kicks: these wake it long before.
kick 1
kick 2
sleep 1
read_proc
[ "$got" = "wakes 2" ] || dusk_fail "a second later: /proc/kstate says '$got'"
dusk_pass "a second later: /proc/kstate says '$got'"
# The user build's kernel calls are answered inside their own send(): the
# kmod writes each answer into the calling thread (debugfs direct_answers).
# Checked silently: the two builds' transcripts are compared.
if [ "${DUSK_MODE:-}" = user ]; then
	n=$(samples_kstat kstate direct_answers)
	[ "${n:-0}" -gt 0 ] || dusk_fail "no kernel call was answered in its thread (direct_answers '${n:-}')"
fi
samples_unload_within kstate "$LIMIT"
samples_logged "kstate: init: state read back 1, slept it all 1, running after 1"
samples_logged "kstate: starting the thread"
samples_logged "kstate: thread started"
samples_logged "kstate: thread: state read back 1, slept it all 1, running after 1"
samples_logged "kstate: thread woken: kick 1"
samples_logged "kstate: thread woken: kick 2"
samples_logged "kstate: thread stopping, state running 1"
samples_logged "kstate: stopped, thread returned 2"
echo "kstate: all checks passed"
