#!/bin/sh
# Real-kernel test of kpcpustats (guest script, run by test/e2e/difftest in
# both builds): three pings through the device, its per-CPU statistics
# read by the kernel (sysfs, dev_get_tstats64()) and by the module
# (/proc/kpcpustats, its own sum over the CPUs' copies).  Before, the user
# build stopped at register_netdev(): its dev->tstats was a block of the
# program's, which the kernel cannot add its per-CPU offsets to.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

dmesg -c >/dev/null
samples_load kpcpustats || dusk_fail "load kpcpustats"
dev=kpcs0
i=0
until [ -d /sys/class/net/$dev ]; do
	i=$((i + 1))
	[ $i -le 50 ] || dusk_fail "no $dev"
	sleep 0.1
done
# no IPv6: its timed autoconfiguration would send packets of its own
echo 1 >/proc/sys/net/ipv6/conf/$dev/disable_ipv6
ip link set $dev up || dusk_fail "$dev up"
ip addr add 10.79.0.1/24 dev $dev
ip neigh replace 10.79.0.2 lladdr 02:00:00:00:70:64 dev $dev nud permanent
timeout -s KILL 10 ping -c 3 -W 1 10.79.0.2 >/dev/null 2>&1 &&
	dusk_fail "a reply through a device that answers nothing"
# The user build counts after the stack's call returned: read until it settles.
i=0
while :; do
	got=$(cat /sys/class/net/$dev/statistics/tx_packets)
	[ "$got" -ge 3 ] || [ $i -ge 50 ] && break
	i=$((i + 1))
	sleep 0.1
done
echo "sysfs: tx_packets $got tx_bytes $(cat /sys/class/net/$dev/statistics/tx_bytes)"
[ "$got" = 3 ] || dusk_fail "tx_packets $got, not 3"
dusk_pass "the kernel sums the per-CPU statistics"
echo "proc: $(cat /proc/kpcpustats)"
grep -qx 'tx_packets 3 tx_bytes 294' /proc/kpcpustats || dusk_fail "the module's own sum"
dusk_pass "the module sums its per-CPU statistics"
samples_unload kpcpustats
samples_logged "kpcpustats: kpcs0 registered" || dusk_fail "no registration line"
samples_logged "kpcpustats: gone" || dusk_fail "no exit line"
dusk_dmesg_clean "at the end"
dusk_pass "the kernel log is clean"
