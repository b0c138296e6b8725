#!/bin/sh
# kseq's user build killed while /proc files hold state the seq_file opens
# allocated (guest script): teardown removes the entries, which releases
# the open files (the kernel frees their state then, once); closing them
# afterwards frees nothing again.  Twice, then the kmod unloads; the kernel
# log stays clean.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

insmod /dusk/mod/dusk_kseq.ko || dusk_fail "insmod dusk_kseq"
for round in 1 2; do
	/dusk/bin/kseq >/tmp/p.log 2>&1 &
	pid=$!
	samples_wait_log '^dusk: kseq: running' /tmp/p.log 30 "kseq did not start"
	exec 3</proc/kseq_priv 4</proc/kseq_opriv 5</proc/kseq_plain 6</proc/kseq_state
	head -n 1 <&3 >/dev/null || dusk_fail "reading the held /proc/kseq_priv"
	kill -9 $pid
	wait $pid
	samples_wait_unbound kseq 10 "round $round"
	cat <&4 >/dev/null 2>&1
	exec 3<&- 4<&- 5<&- 6<&-
	dusk_pass "killed with its /proc files open, torn down (round $round)"
done
rmmod dusk_kseq || dusk_fail "rmmod dusk_kseq"
sleep 1
dusk_dmesg_clean kseq-kill
dusk_pass "no double free: the kernel log is clean"
echo "kseq-kill: all checks passed"
