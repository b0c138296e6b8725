#!/bin/sh
# Real-kernel test of kpkttype (guest script, run by test/e2e/difftest in
# both builds: kpkttype.ko, then the DUSK user build).
#
# A packet_type handler (dev_add_pack) owns every packet it is given.
# Three pings of 123 payload bytes over lo give it 3 echo requests and
# 3 replies to count (its own copies: it writes them); pings of another
# size are not counted.  Before DUSK handed packets over, the handler
# never ran in the user build (its proxy answered -EWOULDBLOCK in the
# softirq) and every packet's reference leaked.
#
# Every access and every wait is bounded.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=20	# seconds for one /proc access

# read_proc: /proc/kpkttype's contents in $got.
read_proc() { dusk_read_proc /proc/kpkttype; }

# wait_proc WANT: until /proc/kpkttype says WANT (the user build's handler
# runs after the packet has gone on).
wait_proc() { dusk_wait_proc /proc/kpkttype "$1"; }

# pings N SIZE: N echo requests of SIZE payload bytes to 127.0.0.1.
pings() {
	timeout -s KILL 30 ping -c "$1" -i 0.2 -W 3 -s "$2" 127.0.0.1 >/dev/null 2>&1 ||
		dusk_fail "ping -c $1 -s $2 127.0.0.1 failed"
	dusk_pass "ping -c $1 -s $2: passed"
}

dmesg -c >/dev/null
samples_load kpkttype size=123 || dusk_fail "load kpkttype"
wait_proc "requests 0 replies 0 on lo 0"
pings 3 123
wait_proc "requests 3 replies 3 on lo 6"
pings 2 77
pings 1 123
wait_proc "requests 4 replies 4 on lo 8"

echo "== unload"
samples_unload_within kpkttype "$LIMIT"
samples_logged "kpkttype: loaded, counting echoes of 123 bytes"
samples_logged "kpkttype: exit: requests 4 replies 4"
