#!/bin/sh
# ktpoint's user build killed (guest script) while hits of its probes wait
# to run in the program (stopped, then SIGKILLed): the kmod unregisters the
# probes the program left (logged), drops the hits still queued, unloads,
# and the kernel forks on with a clean log -- a probe left registered would
# have the kernel call into the unloaded kmod at the next fork.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

dmesg -c >/dev/null
insmod /dusk/mod/dusk_ktpoint.ko || dusk_fail "insmod dusk_ktpoint"
/dusk/bin/ktpoint >/tmp/p.log 2>&1 &
pid=$!
samples_wait_log '^dusk: ktpoint: running' /tmp/p.log 60 "ktpoint did not start"
kill -STOP $pid
cat >/tmp/tpfork <<'EOS'
#!/bin/sh
i=0
while [ $i -lt 200 ]; do (:); i=$((i + 1)); done
EOS
chmod +x /tmp/tpfork
/tmp/tpfork || dusk_fail "tpfork while the program is stopped"
dusk_pass "200 forks while the program is stopped"
kill -9 $pid
wait $pid
i=0
while ! dmesg | grep -q 'tracepoint sched_process_exec: probe exec_probe left registered by the program: unregister: 0'; do
	i=$((i + 1))
	[ $i -le 100 ] || dusk_fail "the probes were not unregistered: $(dmesg | tail -5)"
	sleep 0.1
done
dmesg | grep -q 'tracepoint sched_process_fork: probe fork_probe left registered by the program: unregister: 0' ||
	dusk_fail "the fork probe was not unregistered: $(dmesg | tail -5)"
dusk_pass "the probes went with the program"
policy=$(samples_kstat ktpoint sync_policy)
[ "${policy:-0}" -gt 0 ] || dusk_fail "no queued hit was dropped (sync_policy '$policy')"
dusk_pass "the hits still queued were dropped"
rmmod dusk_ktpoint || dusk_fail "rmmod dusk_ktpoint"
dusk_pass "dusk_ktpoint unloaded"
/tmp/tpfork || dusk_fail "tpfork after the kmod went"
dusk_pass "the kernel forks"
dusk_dmesg_clean ktpoint-kill
echo "ktpoint-kill: all checks passed"
