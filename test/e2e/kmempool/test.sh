#!/bin/sh
# Real-kernel test of kmempool (guest script, run by test/e2e/difftest in
# both builds: kmempool.ko, then the DUSK user build).
#
# The cache's constructor runs on the objects the allocator makes (in the
# user build: writes to an object no one owns yet, refused before), the
# elements of both mempools are written by the module, and everything goes
# back at exit with a clean kernel log.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=20

rd() {
	timeout -s KILL "$LIMIT" cat /proc/kmempool >/tmp/got 2>/tmp/err ||
		dusk_fail "reading /proc/kmempool failed: $(cat /tmp/err)"
	got=$(cat /tmp/got)
}

dmesg -c >/dev/null
samples_load kmempool || dusk_fail "load kmempool"
rd
[ "$got" = "allocs 6 unconstructed 0 constructed 1 min_nr 4 held id -1" ] ||
	dusk_fail "after load: /proc/kmempool says '$got'"
dusk_pass "after load: $got"
echo 7 >/proc/kmempool || dusk_fail "write 7"
echo hold >/proc/kmempool || dusk_fail "write hold"
rd
[ "$got" = "allocs 13 unconstructed 0 constructed 1 min_nr 4 held id 100" ] ||
	dusk_fail "after writes: /proc/kmempool says '$got'"
dusk_pass "after writes: $got"
samples_unload_within kmempool "$LIMIT"
samples_logged "kmempool: pools made, object size 32, constructor ran: 1"
samples_logged "kmempool: after exercise: allocs 6 unconstructed 0"
samples_logged "kmempool: exercised 7: allocs 13 unconstructed 0"
samples_logged "kmempool: holding 3 and 3 elements"
samples_logged "kmempool: exit: allocs 13 unconstructed 0"
echo "kmempool: all checks passed"
