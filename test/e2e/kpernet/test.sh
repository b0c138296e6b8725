#!/bin/sh
# Real-kernel test of kpernet (guest script, run by test/e2e/difftest in
# both builds: kpernet.ko, then the DUSK user build).
#
# The per-net data of its two pernet_operations is written at load (init of
# the existing namespaces), by writes to /proc/kpernet, in the init and the
# exit of a namespace made and deleted here, and in the exits at unload.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=20	# seconds for one /proc access or namespace exit

read_proc() { dusk_read_proc /proc/kpernet; }

add() {
	timeout -s KILL "$LIMIT" sh -c "echo $1 >/proc/kpernet" 2>/tmp/err ||
		dusk_fail "adding $1 failed: $(cat /tmp/err)"
	dusk_pass "added $1"
}


dmesg -c >/dev/null
samples_load kpernet || dusk_fail "load kpernet"
read_proc
[ "$got" = "init writes 0 sum 100 items" ] || dusk_fail "at load: /proc/kpernet says '$got'"
dusk_pass "at load: '$got'"
add 3
add 4
read_proc
[ "$got" = "init writes 2 sum 107 items 3 4" ] || dusk_fail "after 2 writes: '$got'"
dusk_pass "after 2 writes: '$got'"
ip netns add kp1 || dusk_fail "ip netns add"
dusk_wait_dmesg "kpernet: device init other: sum 7"
ip netns del kp1 || dusk_fail "ip netns del"
dusk_wait_dmesg "kpernet: subsys exit other: writes 0 sum 7 items 0"
add 5
read_proc
[ "$got" = "init writes 3 sum 112 items 3 4 5" ] || dusk_fail "after the netns: '$got'"
dusk_pass "after the netns: '$got'"
samples_unload_within kpernet "$LIMIT"
samples_logged "kpernet: subsys init init: sum 100"
samples_logged "kpernet: device init init: sum 100"
samples_logged "kpernet: subsys init other: sum 7"
samples_logged "kpernet: device init other: sum 7"
samples_logged "kpernet: device exit other: writes 0 sum 7 items 0"
samples_logged "kpernet: device exit init: writes 3 sum 100 items 0"
samples_logged "kpernet: subsys exit init: writes 3 sum 112 items 3"
echo "kpernet: all checks passed"
