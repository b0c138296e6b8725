#!/bin/sh
# Real-kernel test of knetdev (guest script, run by test/e2e/difftest in
# both builds): each of the driver's two interfaces comes up (ndo_open
# writes the private area), takes an address and three pings to a
# neighbour behind it (ndo_start_xmit writes a descriptor into the coherent
# DMA ring and counts in the private area) and reports three transmitted
# packets in sysfs, read under dev_base_lock: knetdev0 through
# ndo_get_stats64, knetdev1 through ndo_get_stats (LDD3's snull); the
# exit reads the rings.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

dmesg -c >/dev/null
samples_load knetdev || dusk_fail "load knetdev"
for n in 0 1; do
	dev=knetdev$n
	i=0
	until [ -d /sys/class/net/$dev ]; do
		i=$((i + 1))
		[ $i -le 50 ] || dusk_fail "no $dev"
		sleep 0.1
	done
	# no IPv6: its timed autoconfiguration would send packets of its own
	echo 1 >/proc/sys/net/ipv6/conf/$dev/disable_ipv6
	ip link set $dev up || dusk_fail "$dev up"
	dusk_pass "$dev up (ndo_open)"
	ip addr add 10.78.$n.1/24 dev $dev
	ip neigh replace 10.78.$n.2 lladdr 02:00:00:00:4b:4f dev $dev nud permanent
	timeout -s KILL 10 ping -c 3 -W 1 10.78.$n.2 >/dev/null 2>&1 &&
		dusk_fail "a reply through a device that answers nothing"
	# The user build transmits after the stack's call returned, and a
	# read under dev_base_lock gets the driver's answer to the read
	# before (dusk-kmod/core/netstats.c): read until it settles.
	i=0
	while :; do
		got=$(cat /sys/class/net/$dev/statistics/tx_packets)
		[ "$got" -ge 3 ] || [ $i -ge 50 ] && break
		i=$((i + 1))
		sleep 0.1
	done
	[ "$got" = 3 ] || dusk_fail "$dev: tx_packets $got after three pings"
	dusk_pass "$dev: tx_packets $got (ndo_start_xmit, statistics)"
	ip link set $dev down
done
samples_unload_within knetdev 20
samples_logged "knetdev: knetdev0: opened 1, tx 3 packets, ring 294 bytes, first proto 0x0800"
samples_logged "knetdev: knetdev1: opened 1, tx 3 packets, ring 294 bytes, first proto 0x0800"
[ ! -e /sys/class/net/knetdev0 ] || dusk_fail "knetdev0 outlived the module"
dusk_pass "knetdev0 and knetdev1 are gone"
echo "knetdev: all checks passed"
