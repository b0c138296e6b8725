#!/bin/sh
# The demo's guest half (scripts/demo): lwfw's user build against the live
# kernel.  Namespace a (10.0.1.2) talks to b (10.0.2.2) through init_net,
# where the program's PRE_ROUTING hook decides.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u
dusk_netns_pair
samples_sink b tcp 5001
samples_sink b tcp 5002
samples_sink b udp 5001

echo "-- \$ dusk-run ./lwfw deny_port=5001     (loads dusk_lwfw.ko, runs the program)"
dusk-run --kmod /dusk/mod/dusk_lwfw.ko /dusk/bin/lwfw deny_port=5001 >/tmp/lwfw.out 2>&1 &
pid=$!
until grep -q '^dusk: lwfw: running' /tmp/lwfw.out; do
	kill -0 $pid 2>/dev/null || { cat /tmp/lwfw.out; exit 1; }
	sleep 0.1
done
sed 's/^/   program: /' /tmp/lwfw.out
echo "-- lsmod: $(lsmod | awk '/^dusk_lwfw/ {print $1}') is the generated module; lwfw itself is a process (pid $(pidof lwfw))"

echo "-- traffic from 10.0.1.2 to 10.0.2.2:"
if dusk_in a netprobe tcp 10.0.2.2 5001 'hello 5001\n' 2>/dev/null; then
	echo "   TCP to port 5001: connected (unexpected!)"
else
	echo "   TCP to port 5001: BLOCKED by the user-level hook"
fi
if dusk_in a netprobe tcp 10.0.2.2 5002 'hello 5002\n' 2>/dev/null; then
	echo "   TCP to port 5002: connected, allowed"
else
	echo "   TCP to port 5002: failed (unexpected!)"
fi
dusk_in a netprobe udp 10.0.2.2 5001 3 ping
sleep 1
echo "   UDP to port 5001: $(samples_received b udp 5001) of 3 datagrams arrived"
dusk_in a ping -c 2 -W 2 10.0.2.2 >/dev/null && echo "   ping: answered (ICMP has no port: allowed)"

echo "-- \$ kill -TERM (module_exit runs at user level, dusk_lwfw.ko is unloaded)"
kill -TERM $pid
wait $pid
sed 's/^/   program: /' /tmp/lwfw.out | tail -n +3
echo "-- dmesg: the same printk lines, in the kernel log"
dmesg | grep ' lwfw: ' | sed 's/^/   /'
samples_stop_sinks
dusk_dmesg_clean demo
