#!/bin/sh
# ki2c's user build SIGKILLed (guest script): its adapter, client and
# driver are undone by the kmod, the adapter's sysfs is gone and reading
# every adapter's name stays clean (before, the adapter stayed registered
# over its freed mirror and that read oopsed in sysfs_kf_seq_show()).
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=20
log=/tmp/ki2c.user.log
dmesg -c >/dev/null
dusk-run --kmod /dusk/mod/dusk_ki2c.ko /dusk/bin/ki2c >"$log" 2>&1 &
runner=$!
samples_wait_log '^dusk: ki2c: running' "$log" "$LIMIT" "ki2c did not start"
grep -q '^id 0x51 ' /proc/ki2c || { cat "$log"; dusk_fail "the chip is not bound"; }
pid=$(samples_pids ki2c)
[ -n "$pid" ] || dusk_fail "no ki2c program running"
kill -KILL "$pid" || dusk_fail "kill -KILL $pid"
dusk_wait_pid "$runner" "$LIMIT" "dusk-run after the kill"
dusk_pass "program killed"
for f in /sys/class/i2c-adapter/*/name; do
	[ -e "$f" ] || continue
	! grep -q '^ki2c bus$' "$f" || dusk_fail "the adapter outlived the program ($f)"
done
[ ! -e /sys/bus/i2c/drivers/kichip ] || dusk_fail "the driver outlived the program"
dusk_pass "adapter, client and driver gone"
dusk_dmesg_clean "after the kill"
echo "ki2c: all checks passed"
