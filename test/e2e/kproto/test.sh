#!/bin/sh
# Real-kernel test of kproto (guest script, run by test/e2e/difftest in
# both builds: kproto.ko, then the DUSK user build).
#
# A handler of IP protocol 253 for IPv4 and IPv6 owns every packet it is
# given.  Three raw packets to 127.0.0.1 and two to ::1 (protosend) are
# counted, each with its route, and their first payload bytes summed.
# Before, the user build's handlers had blocking proxies, which in the
# receive softirq answered -EWOULDBLOCK without running: IPv4 took that
# for "resubmit as protocol 11" and nothing was counted.
#
# Every access and every wait is bounded.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=20	# seconds for one /proc access

# read_proc: /proc/kproto's contents in $got.
read_proc() { dusk_read_proc /proc/kproto; }

# wait_proc WANT: until /proc/kproto says WANT (the user build's handler
# runs after the packet has been delivered).
wait_proc() { dusk_wait_proc /proc/kproto "$1"; }

# send ADDR BYTE...: one protocol-253 packet to ADDR per BYTE.
send() {
	addr=$1
	shift
	timeout -s KILL 10 /dusk/bin/protosend "$addr" 253 "$@" || dusk_fail "protosend $addr 253 $*"
	dusk_pass "sent to $addr: $*"
}

dmesg -c >/dev/null
samples_load kproto || dusk_fail "load kproto"
wait_proc "v4 0 routed 0 sum 0 v6 0 routed 0 sum 0"
send 127.0.0.1 1 2 3
wait_proc "v4 3 routed 3 sum 6 v6 0 routed 0 sum 0"
send ::1 10 20
wait_proc "v4 3 routed 3 sum 6 v6 2 routed 2 sum 30"
ping -c 1 -W 2 127.0.0.1 >/dev/null 2>&1 || dusk_fail "ping over lo"
dusk_pass "lo still answers pings"

echo "== unload"
samples_unload_within kproto "$LIMIT"
samples_logged "kproto: protocol 253 registered"
samples_logged "kproto: exit: v4 3 v6 2"
