#!/bin/sh
# kprobe's user build killed (guest script) while hits of its probe on
# kernel_clone() wait to run in the program (stopped, then SIGKILLed): the
# kmod's undo table unregisters the probe, the hits still queued are
# dropped, the kmod unloads, and the kernel log stays clean; later forks
# run nothing of the program's.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

dmesg -c >/dev/null
insmod /dusk/mod/dusk_kprobe.ko || dusk_fail "insmod dusk_kprobe"
/dusk/bin/kprobe >/tmp/p.log 2>&1 &
pid=$!
samples_wait_log '^dusk: kprobe: running' /tmp/p.log 30 "kprobe did not start"
grep -q kernel_clone /sys/kernel/debug/kprobes/list ||
	dusk_fail "no probe on kernel_clone: $(cat /sys/kernel/debug/kprobes/list)"
dusk_pass "the probe is planted"
kill -STOP $pid
cat >/tmp/kpfork <<'EOS'
#!/bin/sh
i=0
while [ $i -lt 200 ]; do (:); i=$((i + 1)); done
EOS
chmod +x /tmp/kpfork
/tmp/kpfork || dusk_fail "kpfork while the program is stopped"
dusk_pass "200 forks while the program is stopped"
kill -9 $pid
wait $pid
i=0
while grep -q kernel_clone /sys/kernel/debug/kprobes/list; do
	i=$((i + 1))
	[ $i -le 100 ] || dusk_fail "the probe outlived the program"
	sleep 0.1
done
dusk_pass "the probe went with the program"
policy=$(samples_kstat kprobe sync_policy)
[ "${policy:-0}" -gt 0 ] || dusk_fail "no queued hit was dropped (sync_policy '$policy')"
dusk_pass "the hits still queued were dropped"
/tmp/kpfork || dusk_fail "kpfork after the program died"
dusk_pass "the kernel forks"
rmmod dusk_kprobe || dusk_fail "rmmod dusk_kprobe"
dusk_pass "dusk_kprobe unloaded"
dusk_dmesg_clean kprobe-crash
echo "kprobe-crash: all checks passed"
