#!/bin/sh
# kskb's user build killed while it holds an sk_buff (guest script): its
# module_init keeps one, built and written, for module_exit to free; after
# SIGKILL module_exit never runs, so teardown frees it (kfree_skb()), and
# what the program had freed or handed to the loopback device is not freed
# again.  Twice, then the kmod unloads; the kernel log stays clean.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

insmod /dusk/mod/dusk_kskb.ko || dusk_fail "insmod dusk_kskb"
for round in 1 2; do
	/dusk/bin/kskb >/tmp/p.log 2>&1 &
	pid=$!
	samples_wait_log '^dusk: kskb: running' /tmp/p.log 30 "kskb did not start"
	kill -9 $pid
	wait $pid
	samples_wait_unbound kskb 10 "round $round"
	dusk_pass "killed holding an sk_buff, torn down (round $round)"
done
rmmod dusk_kskb || dusk_fail "rmmod dusk_kskb"
sleep 1
dusk_dmesg_clean kskb-kill
dusk_pass "no double free: the kernel log is clean"
echo "kskb-kill: all checks passed"
