#!/bin/sh
# cdevtest's (or, with CDEV=cdevalloc, cdevalloc's) user build SIGKILLed
# (guest script).
#
# A driver's character device is four registrations: a region of device
# numbers, a struct cdev (the kernel's map from numbers to the module's
# file_operations), a class and a device (sysfs, and the node devtmpfs
# makes).  The module undoes them only in its exit, which a killed
# program never runs, so the kmod must: left behind, the cdev would send
# the next open() through memory the kmod has freed, and the class and
# the region would make the next run of the program fail (-EEXIST).
#
#   1. dusk_cdevtest loaded by us, a file held open across the kill: after
#      it the node, the class, the region are gone, the open file answers
#      an error, and a new program run registers all four again;
#   2. dusk-run loads and unloads dusk_cdevtest: nothing is left after it.
#
# dmesg must stay clean throughout.  Every wait is bounded.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=20	# seconds for one device access or one wait
name=${CDEV:-cdevtest}
log=/tmp/$name.user.log

# fail_log MSG: fail, showing what the program and dusk-run said.
fail_log() {
	echo "--- $log" >&2
	cat "$log" >&2
	dusk_fail "$@"
}

# start PART: run the user build through dusk-run, wait for its device.
start() {
	: >"$log"
	dusk-run --kmod /dusk/mod/dusk_$name.ko /dusk/bin/$name >"$log" 2>&1 &
	runner=$!
	samples_wait_log "^dusk: $name: running" "$log" "$LIMIT" "$name did not start"
	i=0
	until [ -c /dev/$name ]; do
		i=$((i + 1))
		[ $i -le $((LIMIT * 10)) ] || fail_log "$1: no /dev/$name"
		sleep 0.1
	done
	got=$(timeout -s KILL "$LIMIT" cat /dev/$name)
	[ "$got" = "value 255" ] || fail_log "$1: /dev/$name read '$got'"
	echo 7 >/dev/$name || fail_log "$1: write to /dev/$name"
	got=$(timeout -s KILL "$LIMIT" cat /dev/$name)
	[ "$got" = "value 7" ] || fail_log "$1: /dev/$name read '$got' after writing 7"
	pid=$(samples_pids $name)
	[ -n "$pid" ] || fail_log "$1: no $name program running"
	dusk_pass "$1: /dev/$name served by the program"
}

# kill_prog PART: SIGKILL the program (not dusk-run), wait for dusk-run.
kill_prog() {
	kill -KILL "$pid" || dusk_fail "kill -KILL $pid"
	dusk_wait_pid "$runner" "$LIMIT" "$1: dusk-run after the kill"
	dusk_pass "$1: program killed"
}

# all_gone PART: node, class, device numbers: nothing of the driver is left.
all_gone() {
	i=0
	while [ -e /dev/$name ] || [ -e /sys/class/$name ]; do
		i=$((i + 1))
		[ $i -le $((LIMIT * 10)) ] || dusk_fail "$1: /dev/$name or /sys/class/$name outlived the program"
		sleep 0.1
	done
	! grep -q " $name\$" /proc/devices || dusk_fail "$1: the device numbers outlived the program"
	dusk_pass "$1: node, class and device numbers gone"
}

echo "== 1. kmod loaded by us, a file open across the kill"
insmod /dusk/mod/dusk_$name.ko || dusk_fail "insmod dusk_$name"
start "1"
exec 3</dev/$name
kill_prog "1"
all_gone "1"
got=$(timeout -s KILL "$LIMIT" cat <&3 2>&1) && dusk_fail "1: the open file still read '$got'"
dusk_pass "1: the open file answers an error"
exec 3<&-
dusk_dmesg_clean "after the kill"
start "1, second run"
kill_prog "1, second run"
all_gone "1, second run"
# The session's teardown finishes after the program is gone; the module
# is unloadable once it has (no reference may be left behind).
samples_wait_unbound "$name" "$LIMIT" "1: after the kill"
samples_rmmod_within "$name" "$LIMIT" 1
dusk_pass "1: dusk_$name unloaded"

echo "== 2. kmod loaded and unloaded by dusk-run"
start "2"
kill_prog "2"
[ ! -d /sys/module/dusk_$name ] || dusk_fail "2: dusk-run left dusk_$name loaded"
all_gone "2"
sleep 1
dusk_dmesg_clean "after unload"
echo "$name-kill: all checks passed"
