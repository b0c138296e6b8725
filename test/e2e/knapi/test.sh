#!/bin/sh
# Real-kernel test of knapi (guest script, run by test/e2e/difftest in
# both builds: knapi.ko, then the DUSK user build).  Two pings through the
# device come back through its NAPI poll (received, counted), and taking
# it down (napi_disable()) and unloading return.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

dmesg -c >/dev/null
samples_load knapi || dusk_fail "load knapi"
echo 1 >/proc/sys/net/ipv6/conf/knapi0/disable_ipv6
timeout 20 ip link set knapi0 up || dusk_fail "ip link set up"
ip addr add 10.78.1.1/24 dev knapi0
ip neigh replace 10.78.1.2 lladdr 02:00:00:00:78:02 dev knapi0 nud permanent
timeout -s KILL 10 ping -c 2 -W 1 10.78.1.2 >/dev/null 2>&1
sleep 1
rx=$(cat /sys/class/net/knapi0/statistics/rx_packets)
tx=$(cat /sys/class/net/knapi0/statistics/tx_packets)
echo "knapi: tx $tx rx $rx"
[ "$rx" = 2 ] || dusk_fail "the poll received $rx of the 2 frames sent"
timeout 20 ip link set knapi0 down || dusk_fail "ip link set down (napi_disable) did not return"
dusk_pass "frames received through the NAPI poll, device down"
samples_unload_within knapi 20
printf '%s\n' "$samples_log" | grep -q '^knapi: polls some, delivered 2$' ||
	dusk_fail "the driver's own count of delivered frames is wrong"
echo "knapi: all checks passed"
