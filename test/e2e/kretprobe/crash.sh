#!/bin/sh
# kretprobe_example's user build killed (guest script) while calls of the
# probed function wait to run in the program (stopped, then SIGKILLed):
# the kmod's undo table unregisters the kretprobe, the hits still queued
# are dropped (the return hits of entries never answered with them), the
# kmod unloads, and the kernel log stays clean; later calls run nothing of
# the program's.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

FUNC=__x64_sys_sethostname

dmesg -c >/dev/null
insmod /dusk/mod/dusk_kretprobe_example.ko || dusk_fail "insmod dusk_kretprobe_example"
/dusk/bin/kretprobe_example func=$FUNC >/tmp/p.log 2>&1 &
pid=$!
samples_wait_log '^dusk: kretprobe_example: running' /tmp/p.log 30 "kretprobe_example did not start"
grep -q "$FUNC" /sys/kernel/debug/kprobes/list ||
	dusk_fail "no kretprobe on $FUNC: $(cat /sys/kernel/debug/kprobes/list)"
dusk_pass "the kretprobe is planted"
kill -STOP $pid
i=0
while [ $i -lt 200 ]; do hostname "dusk-$i" || dusk_fail "hostname $i"; i=$((i + 1)); done
dusk_pass "200 calls while the program is stopped"
kill -9 $pid
wait $pid
i=0
while grep -q "$FUNC" /sys/kernel/debug/kprobes/list; do
	i=$((i + 1))
	[ $i -le 100 ] || dusk_fail "the kretprobe outlived the program"
	sleep 0.1
done
dusk_pass "the kretprobe went with the program"
policy=$(samples_kstat kretprobe_example sync_policy)
[ "${policy:-0}" -gt 0 ] || dusk_fail "no queued hit was dropped (sync_policy '$policy')"
dusk_pass "the hits still queued were dropped"
hostname dusk-after || dusk_fail "hostname after the program died"
dusk_pass "the kernel still sets its hostname"
rmmod dusk_kretprobe_example || dusk_fail "rmmod dusk_kretprobe_example"
dusk_pass "dusk_kretprobe_example unloaded"
dusk_dmesg_clean kretprobe-crash
echo "kretprobe-crash: all checks passed"
