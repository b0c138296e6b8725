#!/bin/sh
# kslock's user build where it cannot go on (guest script, user build only;
# the kernel build would oops or be fine):
#  * bug=1: the program dies of a NULL dereference while it owns its
#    socket (between lock_sock() and release_sock()).  The session's end
#    releases the socket lock (named in the kernel log), the kmod unloads,
#    the log is clean (dusk-kmod/core/socklock.c); then the socket
#    itself is released (ksocket.c): the next run binds its port again
#    (before, it failed with -EADDRINUSE).
#  * rb=1: ring_buffer_lock_reserve() returns with preemption off.  The
#    kmod puts the context back and names the call in the kernel log, the
#    program stops saying why, its ring buffer is freed, the log is clean
#    (dusk-kmod/core/callctx.c).  Before, the program went back to user
#    space with preemption off: SIGSEGV at its next page fault and "BUG:
#    scheduling while atomic" in the kernel log.
. /dusk/lib.sh
set -u

ip link set lo up
dmesg -c >/dev/null
insmod /dusk/mod/dusk_kslock.ko || dusk_fail "insmod dusk_kslock"
if timeout -s KILL 30 /dusk/bin/kslock bug=1 >/tmp/p.log 2>&1; then
	cat /tmp/p.log
	dusk_fail "the program survived its NULL dereference"
fi
grep -q 'kslock.c' /tmp/p.log || { cat /tmp/p.log; dusk_fail "no report naming kslock.c"; }
dusk_pass "the program died owning its socket, reported at kslock.c"
i=0
until dmesg | grep -q 'dusk_kslock: teardown: a socket lock (lock_sock) was still held: released'; do
	i=$((i + 1))
	[ $i -le 100 ] || { dmesg; dusk_fail "the socket lock's release is not named in the kernel log"; }
	sleep 0.1
done
dusk_pass "the socket lock was released at the session's end"
dmesg | grep -q "dusk_kslock: teardown: a kernel socket the module created was not released: released" ||
	{ dmesg; dusk_fail "the socket the dead program left is not released"; }
dusk_pass "the socket was released at the session's end (its port is free again)"
dusk_dmesg_clean kslock
dusk_pass "the kernel log is clean"

dmesg -c >/dev/null
if timeout -s KILL 30 /dusk/bin/kslock rb=1 >/tmp/p.log 2>&1; then
	cat /tmp/p.log
	dusk_fail "the program ran on after a call that returned in atomic context"
fi
grep -q 'kernel call ring_buffer_lock_reserve failed: State not recoverable: it returned in atomic context' /tmp/p.log ||
	{ cat /tmp/p.log; dmesg; dusk_fail "the program does not say which call stopped it, and why"; }
grep -q 'it returned in atomic context.* at .*kslock\.c:61 (in kslock_ring)' /tmp/p.log ||
	{ cat /tmp/p.log; dusk_fail "the message does not name the module's line"; }
dusk_pass "the program stopped, naming ring_buffer_lock_reserve and kslock.c:61"
dmesg | grep -q 'dusk_kslock: ring_buffer_lock_reserve returned in atomic context (preempt_count 0x0 -> 0x1, irqs on -> on, RCU depth 0 -> 0)' ||
	{ dmesg; dusk_fail "the kernel log does not name the call and what it left"; }
dusk_pass "the kernel log names the call and the preemption it left off"
sleep 1
dusk_dmesg_clean kslock
dusk_pass "the kernel log is clean (no scheduling while atomic)"

timeout -s KILL 30 rmmod dusk_kslock || dusk_fail "rmmod dusk_kslock"
dusk_dmesg_clean kslock
dusk_pass "the kmod unloads; the kernel log is clean"
echo "kslock: all checks passed"
