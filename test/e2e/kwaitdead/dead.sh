#!/bin/sh
# kwaitdead's user build (guest script): a writer's callback waits with
# wait_for_completion() for a kernel thread that sleeps longer than the
# kmod's block_timeout_ms.  The program's request gives up, the program
# stops, and the writer -- still inside that uninterruptible wait, a call
# of the dead program's -- must come back: the kmod completes the dead
# program's completion at teardown, as nothing else will.  Before, the
# writer never returned (SIGKILL cannot end an uninterruptible wait), the
# session never ended and dusk_kwaitdead could not be unloaded.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

dmesg -c >/dev/null
insmod /dusk/mod/dusk_kwaitdead.ko block_timeout_ms=1000 || dusk_fail "insmod dusk_kwaitdead"
/dusk/bin/kwaitdead delay_ms=100 >/tmp/p.log 2>&1 &
pid=$!
samples_wait_log '^dusk: kwaitdead: running' /tmp/p.log 30 "kwaitdead did not start"
# a wait the thread ends in time: served as in the kernel build
timeout -s KILL 20 sh -c 'echo go >/proc/kwaitdead' || dusk_fail "a short wait failed"
dusk_pass "a wait shorter than block_timeout_ms completes"
echo 5000 >/sys/module/kwaitdead/parameters/delay_ms 2>/dev/null ||
	dusk_fail "cannot set delay_ms: $(ls /sys/module/kwaitdead/parameters 2>&1)"
sh -c 'echo go >/proc/kwaitdead' 2>/tmp/w.err &
writer=$!
i=0
while kill -0 $pid 2>/dev/null; do
	i=$((i + 1))
	[ $i -le 150 ] || dusk_fail "the program did not stop when the wait outlasted block_timeout_ms"
	sleep 0.2
done
wait $pid
dusk_pass "the program stopped: $(grep -m1 'wait_for_completion' /tmp/p.log)"
i=0
while kill -0 $writer 2>/dev/null; do
	i=$((i + 1))
	[ $i -le 100 ] || dusk_fail "the writer is still in the dead program's wait: $(cat /proc/$writer/stack 2>/dev/null | head -3)"
	sleep 0.2
done
wait $writer && dusk_fail "the writer's write succeeded after the program died"
dusk_pass "the writer came back: $(cat /tmp/w.err)"
sleep 6	# the kernel thread ends its sleep and completes
i=0
until rmmod dusk_kwaitdead 2>/dev/null; do
	i=$((i + 1))
	[ $i -le 50 ] || dusk_fail "rmmod dusk_kwaitdead"
	sleep 0.2
done
dusk_pass "dusk_kwaitdead unloaded"
dusk_dmesg_clean kwaitdead-dead
echo "kwaitdead-dead: all checks passed"
