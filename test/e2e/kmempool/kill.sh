#!/bin/sh
# kmempool's user build killed while its mempools hold their reserves and
# the module holds elements of both (guest script): teardown destroys the
# pools before the cache and frees the session's elements into it first,
# so SLUB finds no object left in the cache.  Twice, then the kmod
# unloads; the kernel log stays clean.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

insmod /dusk/mod/dusk_kmempool.ko || dusk_fail "insmod dusk_kmempool"
for round in 1 2; do
	/dusk/bin/kmempool >/tmp/p.log 2>&1 &
	pid=$!
	samples_wait_log '^dusk: kmempool: running' /tmp/p.log 30 "kmempool did not start"
	echo hold >/proc/kmempool || dusk_fail "write hold (round $round)"
	kill -9 $pid
	wait $pid
	samples_wait_unbound kmempool 10 "round $round"
	dusk_pass "killed holding mempool elements, torn down (round $round)"
done
rmmod dusk_kmempool || dusk_fail "rmmod dusk_kmempool"
sleep 1
dusk_dmesg_clean kmempool-kill
dusk_pass "no object left in the cache: the kernel log is clean"
echo "kmempool-kill: all checks passed"
