#!/bin/sh
# kcandev's user build killed (guest script, user build only) with its
# CAN device registered and up: the session's end unregisters it, so
# "ip -d link show" (can-dev's fill_info, the device's ops) finds no
# mirror of a dead program; the kmod unloads and the log is clean.
# Before (probe round p66), the device stayed registered over the
# program's freed mirrors: a general protection fault in
# rtnl_fill_ifinfo() at the next "ip -d link show".
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=20
log=/tmp/kcandev.user.log

insmod /dusk/mod/can-dev.ko || dusk_fail "insmod can-dev"
insmod /dusk/mod/dusk_kcandev.ko || dusk_fail "insmod dusk_kcandev"
/dusk/bin/kcandev >"$log" 2>&1 &
prog=$!
samples_wait_log "^dusk: kcandev: running" "$log" "$LIMIT" "kcandev did not start"
ip link set kcan0 up || dusk_fail "kcan0 up"
ip -d link show kcan0 | grep -q 'bitrate 500000' || dusk_fail "kcan0's bit rate"
dusk_pass "kcan0 registered and up at 500000 bit/s"
kill -KILL "$prog" || dusk_fail "kill"
dusk_wait_pid "$prog" "$LIMIT" "the program"
samples_wait_unbound kcandev "$LIMIT" "after the program"
ip -d link show >/dev/null || dusk_fail "ip -d link show after the program"
ip link show kcan0 >/dev/null 2>&1 && dusk_fail "kcan0 outlived the dead program"
dusk_pass "the dead program's CAN device is gone"
samples_rmmod_within kcandev "$LIMIT" "after the program"
dusk_dmesg_clean "kcandev, killed"
dusk_pass "dusk_kcandev unloaded, the kernel log is clean"
echo "kcandev-kill: all checks passed"
