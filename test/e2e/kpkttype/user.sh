#!/bin/sh
# kpkttype's user build killed while packets are handed over (guest script).
#
# The program is SIGSTOPped under a ping flood, so packets pile up handed
# over to it (each an sk_buff the session owns, or freed when too many are
# in flight), then SIGKILLed: teardown frees the packets it owns, nothing
# is freed twice (slub_debug), dmesg stays clean and the kmod unloads;
# the pings go on.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

dmesg -c >/dev/null
samples_user_start kpkttype size=123
pid=$(samples_pids kpkttype)
[ -n "$pid" ] || dusk_fail "the program is not running"

timeout -s KILL 30 ping -c 5 -i 0.2 -W 3 -s 123 127.0.0.1 >/dev/null 2>&1 ||
	dusk_fail "ping before the stop failed"
# shellcheck disable=SC2086
kill -STOP $pid
timeout -s KILL 60 ping -c 300 -i 0.01 -W 1 -s 123 127.0.0.1 >/dev/null 2>&1 ||
	dusk_fail "pings to a stopped program's handler did not pass"
dusk_pass "pings pass while the program is stopped"
# shellcheck disable=SC2086
kill -KILL $pid
samples_wait_unloaded kpkttype
timeout -s KILL 30 ping -c 3 -i 0.2 -W 3 -s 123 127.0.0.1 >/dev/null 2>&1 ||
	dusk_fail "ping after the kmod went failed"
dusk_dmesg_clean "after SIGKILL"
dusk_pass "dmesg clean after SIGKILL"
