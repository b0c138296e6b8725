#!/bin/sh
# Real-kernel test of knetsetup (guest script, run by test/e2e/difftest in
# both builds): net devices the kernel allocates and hands to the module's
# callbacks.  kns0's private area was set up by alloc_netdev()'s setup
# callback (a ring and a timer): three pings leave through the ring and
# the timer completes them into tx_packets.  Devices of the link type
# knslink -- knl0 made at load, knl1 and knl2 by "ip link add" -- are
# written by setup and newlink (their private area: number, mode, list);
# pings through knl1 count in its private area (ndo_get_stats64);
# "ip link del" and the unload call dellink.  Before (probe round p64),
# the user build stopped at load: the first store into kns0's private
# area in setup was refused, and so was newlink's.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

# wait_stat DEV N: DEV's tx_packets reaches N (the user build transmits and
# completes after the stack's call returned)
wait_stat() {
	i=0
	while :; do
		got=$(cat /sys/class/net/$1/statistics/tx_packets)
		[ "$got" -ge "$2" ] || [ $i -ge 50 ] && break
		i=$((i + 1))
		sleep 0.1
	done
	[ "$got" = "$2" ] || dusk_fail "$1: tx_packets $got after $2 pings"
	dusk_pass "$1: tx_packets $got"
}

# ping3 DEV NET: three pings to a neighbour behind DEV, none answered
ping3() {
	echo 1 >/proc/sys/net/ipv6/conf/$1/disable_ipv6
	ip link set $1 up || dusk_fail "$1 up"
	ip addr add 10.$2.1/24 dev $1
	ip neigh replace 10.$2.2 lladdr 02:00:00:00:67:4f dev $1 nud permanent
	timeout -s KILL 10 ping -c 3 -W 1 10.$2.2 >/dev/null 2>&1 &&
		dusk_fail "a reply through $1, which answers nothing"
}

dmesg -c >/dev/null
samples_load knetsetup || dusk_fail "load knetsetup"
for dev in kns0 knl0; do
	[ -d /sys/class/net/$dev ] || dusk_fail "no $dev after the load"
done
dusk_pass "kns0 and knl0 registered"
ip link show kns0 | grep -o 'link/ether [0-9a-f:]*'
ping3 kns0 79.0
wait_stat kns0 3
ip link add knl1 type knslink || dusk_fail "link add knl1"
ip link add knl2 type knslink || dusk_fail "link add knl2"
ip link show knl2 | grep -o 'link/ether [0-9a-f:]*'
ping3 knl1 79.1
wait_stat knl1 3
cat /proc/knetsetup
ip link del knl2 || dusk_fail "link del knl2"
ip link set kns0 down
ip link set knl1 down
cat /proc/knetsetup
samples_unload_within knetsetup 20
for dev in kns0 knl0 knl1 knl2; do
	[ ! -e /sys/class/net/$dev ] || dusk_fail "$dev outlived the module"
done
dusk_pass "every device is gone"
samples_logged "knetsetup: newlink knl1 id 1 mode 2: 0"
samples_logged "knetsetup: dellink knl2 id 2 tx 0"
samples_logged "knetsetup: dellink knl1 id 1 tx 3"
samples_logged "knetsetup: kns0: setups 1 completed 3"
ip link add kna type veth peer name knb || dusk_fail "link add veth after the module"
ip link del kna
echo "knetsetup: all checks passed"
