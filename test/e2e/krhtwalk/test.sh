#!/bin/sh
# Real-kernel test of krhtwalk (guest script, run by test/e2e/difftest in
# both builds): rhashtable walks on load and from /proc (stopped and
# started again every 50 elements, a peek at the element it stopped at) see every
# element once.  In the user build the kmod keeps the iterator stopped
# between the program's calls (dusk-kmod/core/rhtwalk.c); before, the
# program stopped at rhashtable_walk_start_check(), which returns inside
# an RCU read section.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

dmesg -c >/dev/null
samples_load krhtwalk || dusk_fail "load krhtwalk"
for i in 1 2 3; do
	cat /proc/krhtwalk >/tmp/walk.txt || dusk_fail "read /proc/krhtwalk"
	cat /tmp/walk.txt
	grep -q "^walk with pauses: 300 distinct, sum 134550, 6 peeks, 0 wrong$" /tmp/walk.txt ||
		dusk_fail "walk $i from /proc is wrong"
done
dusk_pass "three walks from /proc saw every element once"
samples_unload_within krhtwalk 30
samples_logged "krhtwalk: walk on load: 300 distinct of 300, sum 134550"
samples_logged "krhtwalk: table freed"
dusk_dmesg_clean krhtwalk
echo "krhtwalk: all checks passed"
