#!/bin/sh
# Isolation works (guest script, run by scripts/vm-run): a buggy copy of
# lwfw (see make-buggy) dereferences NULL in its hook.  Only the user
# program dies, with a message naming lwfw.c and the line; the kernel keeps
# running, traffic flows per policy (fail-open), and dusk_lwfw unloads.
#
# usage: isolation.sh BUGGY_LWFW_C
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u
line=$(grep -n 'DUSK-BUG' "$1" | cut -d: -f1)
[ -n "$line" ] || dusk_fail "no DUSK-BUG line in $1"

dusk_netns_pair
samples_sink b udp 5001
samples_sink b udp 5002
insmod /dusk/mod/dusk_lwfw.ko || dusk_fail "insmod dusk_lwfw"
/dusk/bin/lwfw deny_port=5001 >/tmp/prog.log 2>&1 &
pid=$!
samples_wait_log '^dusk: lwfw: running' /tmp/prog.log 30 "lwfw did not start"
samples_udp a b 10.0.2.2 5002 2 2

echo "== a packet for the port rule reaches the NULL dereference"
samples_in a netprobe udp 10.0.2.2 5001 1 ping || dusk_fail "send"
i=0
while kill -0 $pid 2>/dev/null; do
	i=$((i + 1))
	[ $i -le 100 ] || { cat /tmp/prog.log; dusk_fail "the program survived the NULL dereference"; }
	sleep 0.1
done
wait $pid
rc=$?
[ $rc -ge 128 ] || { cat /tmp/prog.log; dusk_fail "the program exited with $rc, not by a signal"; }
dusk_pass "the program died by signal $((rc - 128))"
grep -q "lwfw\.c:$line" /tmp/prog.log || { cat /tmp/prog.log; dusk_fail "the report does not name lwfw.c:$line"; }
dusk_pass "the report names lwfw.c:$line: $(grep -m1 'fault' /tmp/prog.log)"

echo "== the kernel is unaffected"
# The packet the program held when it died is released by the policy
# (fail-open by default), and with the hook gone everything passes.
[ "$(samples_wait_received b udp 5001 1)" -eq 1 ] || dusk_fail "the held datagram was lost"
dusk_pass "the datagram held at the crash was let through (fail-open)"
samples_udp a b 10.0.2.2 5001 2 2
samples_udp a b 10.0.2.2 5002 2 2
grep -q 'session none' /sys/kernel/debug/dusk_lwfw/stats ||
	{ cat /sys/kernel/debug/dusk_lwfw/stats; dusk_fail "the session outlived the program"; }
rmmod dusk_lwfw || dusk_fail "rmmod dusk_lwfw"
dusk_pass "dusk_lwfw unloaded"
samples_stop_sinks
dusk_dmesg_clean isolation
echo "isolation: all checks passed"
