#!/bin/sh
# Real-kernel test of waitq (guest script, run by test/e2e/difftest in both
# builds: waitq.ko, then the DUSK user build).
#
# A reader of /proc/waitq sleeps in wait_event_interruptible() until a
# writer posts a message and wakes it: in the user build the wait loop is
# the program's, its wait entry a mirror of the reader callback's stack
# object, and the writer's wake_up comes from another callback.  The
# reader waits longer than the user build's block_timeout_ms (lowered to
# 1 s here).  A write to /proc/waitq_timer sleeps in
# wait_for_completion_timeout() until a timer completes the completion.
# Every wait is bounded.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=20	# seconds for one /proc access

# start_reader N: one read() of /proc/waitq into /tmp/rN in the background
# ($reader).
start_reader() {
	timeout -s KILL "$LIMIT" dd if=/proc/waitq bs=32 count=1 of="/tmp/r$1" 2>"/tmp/e$1" &
	reader=$!
}

# post MSG: write MSG to /proc/waitq in one write().
post() {
	timeout -s KILL "$LIMIT" sh -c "printf '%s' '$1' >/proc/waitq" 2>/tmp/err ||
		dusk_fail "posting '$1' failed: $(cat /tmp/err)"
	dusk_pass "posted '$1'"
}

# got_read N MSG: reader N ends and read MSG.
got_read() {
	wait "$reader"
	rc=$?
	[ $rc -eq 0 ] || dusk_fail "reader $1 ended with status $rc: $(cat "/tmp/e$1")"
	[ "$(cat "/tmp/r$1")" = "$2" ] || dusk_fail "reader $1 read '$(cat "/tmp/r$1")', want '$2'"
	dusk_pass "reader $1 read '$2'"
}

dmesg -c >/dev/null
samples_load waitq || dusk_fail "load waitq"
p=/sys/module/dusk_waitq/parameters/block_timeout_ms
[ ! -e $p ] || echo 1000 >$p

echo "== a reader sleeps until a writer wakes it"
start_reader 1
sleep 3
kill -0 "$reader" 2>/dev/null || dusk_fail "reader 1 did not wait: $(cat /tmp/r1 /tmp/e1)"
dusk_pass "reader 1 still waits after 3 s"
post hello
got_read 1 hello

echo "== a message posted first is read at once"
post again
start_reader 2
got_read 2 again

# Not yet: a reader SIGKILLed while it waits.  In the user build the next
# write() then hung the guest (the killed sleeper's wait entry; see
# docs/kapi.md).
echo "== a reader that comes later"
start_reader 4
sleep 1
post third
got_read 4 third

# With the default block_timeout_ms: a sleep the kmod watches is woken
# by a timer only after half of it.
echo "== a reader that sleeps while the writer dawdles"
[ ! -e $p ] || echo 10000 >$p
start_reader 5
sleep 1
post slowly
got_read 5 slowly
[ ! -e $p ] || echo 1000 >$p

echo "== a completion completed by a timer"
for n in 1 2; do
	timeout -s KILL "$LIMIT" sh -c 'echo tick >/proc/waitq_timer' 2>/tmp/err ||
		dusk_fail "timer wait $n failed: $(cat /tmp/err)"
	dusk_pass "timer wait $n completed"
done

echo "== unload"
samples_unload_within waitq "$LIMIT"
samples_logged "waitq: loaded"
samples_logged "waitq: timer completed"
samples_logged "waitq: exit"
[ "$(printf '%s\n' "$samples_log" | grep -c '^waitq: read ')" = 4 ] ||
	dusk_fail "want 4 reads logged"
dusk_pass "4 reads logged"
# The writer logs before it wakes the reader, and the reader logs after.
first=$(printf '%s\n' "$samples_log" | grep -E '^waitq: (posting|read) 6 bytes' | head -n 1)
[ "$first" = "waitq: posting 6 bytes" ] ||
	dusk_fail "the reader logged its read before the writer its post: $(printf '%s\n' "$samples_log" | grep ' 6 bytes')"
dusk_pass "the dawdling writer's post is logged before the read"
echo "waitq: all checks passed"
