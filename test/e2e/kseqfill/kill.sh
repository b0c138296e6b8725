#!/bin/sh
# kseqfill's user build killed while a reader of its seq_file waits in a
# fill (guest script): once stopped before the fill's upcall is served,
# once killed while reads stream.  The reader's read fails (it does not
# hang, nothing is shown twice), the session is torn down, the kmod
# unloads, the kernel log stays clean.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

# torn_down ROUND: wait for the session's end.
torn_down() {
	samples_wait_unbound kseqfill 10 "round $1"
}

start() {
	/dusk/bin/kseqfill >/tmp/p.log 2>&1 &
	pid=$!
	samples_wait_log '^dusk: kseqfill: running' /tmp/p.log 30 "kseqfill did not start"
}

insmod /dusk/mod/dusk_kseqfill.ko || dusk_fail "insmod dusk_kseqfill"

start
exec 3</proc/kseqfill_hash	# opened (an upcall of its own) before the stop
kill -STOP $pid
cat <&3 >/tmp/got 2>/tmp/err &
reader=$!
exec 3<&-
sleep 1
kill -0 $reader 2>/dev/null || dusk_fail "the reader did not wait for the stopped program"
kill -9 $pid
wait $pid
rc=0
wait $reader || rc=$?
[ $rc != 0 ] || dusk_fail "the read of a killed program's fill succeeded: $(wc -c </tmp/got) bytes"
torn_down 1
dusk_pass "stopped mid-read, killed: the read failed ($(cat /tmp/err))"

start
(while cat /proc/kseqfill_hash >/dev/null 2>&1; do :; done) &
reader=$!
sleep 2
kill -9 $pid
wait $pid
torn_down 2
dusk_wait_pid $reader 10 "the reader after the program died"
dusk_pass "killed while reads stream: the reader stopped, torn down"

rmmod dusk_kseqfill || dusk_fail "rmmod dusk_kseqfill"
sleep 1
dusk_dmesg_clean kseqfill-kill
dusk_pass "the kernel log is clean"
echo "kseqfill-kill: all checks passed"
