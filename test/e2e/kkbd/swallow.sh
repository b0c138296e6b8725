#!/bin/sh
# kkbd's user build with swallow=1 (guest script): its keyboard notifier
# answers NOTIFY_STOP for every keycode, which in the kernel build swallows
# the key (no keysym follows).  The user build's notifier runs after the
# key went on: the kmod logs once that NOTIFY_STOP cannot be honoured, the
# keysyms still come, and the kernel log is otherwise clean.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

dmesg -c >/dev/null
samples_user_start kkbd swallow=1 || dusk_fail "load kkbd swallow=1"
timeout -s KILL 30 sh -c 'printf abc >/proc/kkbd' 2>/tmp/err ||
	dusk_fail "writing /proc/kkbd failed: $(cat /tmp/err)"
dusk_pass "typed abc"
samples_user_stop kkbd
n=$(dmesg | grep -c 'a keyboard notifier answered NOTIFY_STOP: a user build cannot swallow keys')
[ "$n" = 1 ] || { dmesg; dusk_fail "NOTIFY_STOP logged $n times, want once"; }
dusk_pass "NOTIFY_STOP logged once"
dmesg | grep -q 'kkbd: exit: 6 keycodes, 6 keysyms' ||
	{ dmesg; dusk_fail "the keys did not go through"; }
dusk_pass "the keys went through (6 keycodes, 6 keysyms)"
dusk_dmesg_clean kkbd-swallow
echo "kkbd-swallow: all checks passed"
