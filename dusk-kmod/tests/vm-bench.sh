#!/bin/sh
# Guest benchmark (meson benchmark 'kmod-bench'): cost of the kernel side.
#  - request round trips: CALL, READ, WRITE through the genetlink family;
#  - packets: ping -A over lo for 3 s without a hook, then with a LOCAL_IN
#    hook whose packets go to the program and back (2 upcalls per ping:
#    request and reply both enter LOCAL_IN), with ping and the program on
#    any CPU and both pinned to CPU 0.
# Under QEMU TCG absolute numbers are slow, and waking a task on another
# (idle) vCPU costs about a millisecond, which dominates "ping-hook": the
# pinned line shows the cost of the upcall path itself.
. /dusk/lib.sh
insmod /dusk/mod/dusk_ktest.ko || dusk_fail "insmod"
dusk-kclient bench 2000 || dusk_fail "bench"
rate() { # LABEL [CPUMASK]
	taskset "${2:-3}" ping -A -q -w 3 127.0.0.1 | awk -v l="$1" '/packets transmitted/ {
		printf "bench %-12s %9.0f pings/s\n", l, $4 / 3 }'
}
rate "ping-nohook"
rm -f /tmp/kclient.ready
taskset 1 dusk-kclient hook accept >/tmp/client.out 2>&1 &
client=$!
while [ ! -e /tmp/kclient.ready ]; do sleep 0.1; done
rate "ping-hook"
rate "ping-hook-1cpu" 1
kill -TERM $client; wait $client || { cat /tmp/client.out; dusk_fail "client"; }
rmmod dusk_ktest || dusk_fail "rmmod"
dusk_dmesg_clean bench
