#!/bin/sh
# Real-kernel test of kgenl (guest script, run by test/e2e/difftest in both
# builds: kgenl.ko, then the DUSK user build).
#
# The module registers a generic netlink family on load and sends it an
# echo request and a dump request through a kernel socket; both builds must
# log the same replies and unload.  Before the dumpit's sk_buff was lent
# with its data (DUSK_LENT_SKB) the user build's dumpit stopped at its
# genlmsg_end() (a refused write).  Before calldefer.c the user
# build's genl_register_family() deadlocked on genetlink's cb_lock (the
# program's own request held it): insmod never returned.  Bounded.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=60	# seconds for load and unload

dmesg -c >/dev/null
( sleep "$LIMIT"; echo "FAIL: kgenl did not load within ${LIMIT}s"; kill -KILL $$ ) &
watchdog=$!
samples_load kgenl || dusk_fail "load kgenl"
kill "$watchdog" 2>/dev/null

echo "== unload"
samples_unload_within kgenl "$LIMIT"
samples_logged "kgenl: family KGENL registered, id assigned: yes"
samples_logged "kgenl: echo request \"hello\" seq 43"
samples_logged "kgenl: echo: 2 replies"
samples_logged "kgenl: reply num 20"
samples_logged "kgenl: dump: 4 replies"
samples_logged "kgenl: echoes 1 dumps 2"
