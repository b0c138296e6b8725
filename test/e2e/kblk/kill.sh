#!/bin/sh
# kblk's user build SIGKILLed while direct reads run (guest script), as it
# is and with complete=1 (requests ended through ->complete(), run late):
# a request in flight ends (with an I/O error when the program had not
# ended it; one that reaches no program too), the readers end, the disk and
# the tag set are undone by the kmod (del_gendisk(), put_disk(),
# blk_mq_free_tag_set(): the tag set is the program's mirror), the kmod
# unloads and the kernel log stays clean.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=30
log=/tmp/kblk.user.log

# reader: direct 64 KiB reads until one fails
reader() {
	i=0
	while [ $i -lt 100000 ]; do
		dd if=/dev/kblk0 of=/dev/null bs=64k count=4 iflag=direct 2>/dev/null || return 0
		i=$((i + 1))
	done
}

# kill_round [PARAM...]: run kblk with PARAMs, kill it under two readers
kill_round() {
	echo "== killed under direct reads${1:+ ($*)}"
	dmesg -c >/dev/null
	dusk-run --kmod /dusk/mod/dusk_kblk.ko /dusk/bin/kblk "$@" >"$log" 2>&1 &
	runner=$!
	samples_wait_log '^dusk: kblk: running' "$log" "$LIMIT" "kblk did not start"
	[ -b /dev/kblk0 ] || mknod /dev/kblk0 b "$(cut -d: -f1 /sys/class/block/kblk0/dev)" 0
	reader & r1=$!
	reader & r2=$!
	sleep 2
	kill -0 "$r1" 2>/dev/null || dusk_fail "the readers did not run"
	pid=$(samples_pids kblk)
	[ -n "$pid" ] || dusk_fail "no kblk program running"
	kill -KILL "$pid" || dusk_fail "kill -KILL $pid"
	dusk_wait_pid "$runner" "$LIMIT" "dusk-run after the kill"
	dusk_pass "program killed"
	dusk_wait_pid "$r1" "$LIMIT" "reader 1 after the kill"
	dusk_wait_pid "$r2" "$LIMIT" "reader 2 after the kill"
	dusk_pass "the readers ended"
	[ ! -e /sys/class/block/kblk0 ] || dusk_fail "the disk outlived the program"
	! grep -q ' kblk$' /proc/devices || dusk_fail "the block major outlived the program"
	rm -f /dev/kblk0
	dusk_pass "disk and major gone"
	# a request that reached no program ends with an I/O error, not with
	# a status byte of garbage (a negative errno: "<null> error" before)
	! dmesg | grep -q '<null> error' ||
		{ dmesg | grep 'error, dev'; dusk_fail "a request ended with a garbage status"; }
	dusk_pass "requests ended with I/O errors"
	rmmod dusk_kblk 2>/dev/null || true
	dusk_dmesg_clean "after the kill"
	dusk_pass "the kernel log is clean"
}

kill_round
kill_round complete=1
echo "kblk: all checks passed"
