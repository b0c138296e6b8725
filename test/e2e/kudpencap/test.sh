#!/bin/sh
# Real-kernel test of kudpencap (guest script, run by test/e2e/difftest in
# both builds: kudpencap.ko, then the DUSK user build).
#
# A UDP tunnel's encap_rcv owns every packet it takes.  Writing 3 to
# /proc/kudpencap makes the module send three packets to its IPv4 tunnel
# socket and three to its IPv6 one, then one more to each that encap_rcv
# gives back to UDP (its answer 1; the user build's kmod frees it then);
# each is counted with its route and its first payload byte summed, and
# both tunnel sockets' encap_destroy runs at unload.  Before, the user build's encap_rcv had a blocking
# proxy, which in the receive softirq answered -EWOULDBLOCK without
# running: UDP took that for "resubmit as protocol 11" and nothing was
# counted.
#
# Every access and every wait is bounded.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=20	# seconds for one /proc access

# read_proc: /proc/kudpencap's contents in $got.
read_proc() { dusk_read_proc /proc/kudpencap; }

# wait_proc WANT: until /proc/kudpencap says WANT (the user build's
# encap_rcv runs after the packet has been taken from the stack).
wait_proc() { dusk_wait_proc /proc/kudpencap "$1"; }

# send N: the module sends N packets to each of its tunnel sockets, and
# one that encap_rcv gives back.
send() {
	echo "$1" | timeout -s KILL "$LIMIT" tee /proc/kudpencap >/dev/null 2>/tmp/err ||
		dusk_fail "write $1 to /proc/kudpencap: $(cat /tmp/err)"
	dusk_pass "sent $1 packets and one to give back to each socket"
}

for m in udp_tunnel ip6_udp_tunnel; do
	insmod "/dusk/mod/$m.ko" || dusk_fail "insmod $m"
done
dmesg -c >/dev/null
samples_load kudpencap || dusk_fail "load kudpencap"
wait_proc "v4 0 routed 0 sum 0 back 0 v6 0 routed 0 sum 0 back 0"
send 3
wait_proc "v4 4 routed 4 sum 6 back 1 v6 4 routed 4 sum 60 back 1"
send 1
wait_proc "v4 6 routed 6 sum 7 back 2 v6 6 routed 6 sum 70 back 2"
ping -c 1 -W 2 127.0.0.1 >/dev/null 2>&1 || dusk_fail "ping over lo"
dusk_pass "lo still answers pings"

echo "== unload"
samples_unload_within kudpencap "$LIMIT"
samples_logged "kudpencap: tunnel sockets on port 4889"
samples_logged "kudpencap: exit: v4 6 v6 6 destroyed 2"
