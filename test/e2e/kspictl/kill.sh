#!/bin/sh
# kspictl's user build SIGKILLed (guest script): its SPI controllers,
# whose setup() and transfer_one() are the program's proxies, are gone
# with the kmod's undo of their platform device, so nothing on the SPI bus
# is left to call into the unloaded kmod.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=20
log=/tmp/kspictl.user.log
dmesg -c >/dev/null
dusk-run --kmod /dusk/mod/dusk_kspictl.ko /dusk/bin/kspictl >"$log" 2>&1 &
runner=$!
samples_wait_log '^dusk: kspictl: running' "$log" "$LIMIT" "kspictl did not start"
n=$(ls -d /sys/class/spi_master/spi* 2>/dev/null | wc -l)
[ "$n" = 2 ] || { cat "$log"; dusk_fail "$n controllers, not 2"; }
pid=$(samples_pids kspictl)
[ -n "$pid" ] || dusk_fail "no kspictl program running"
kill -KILL "$pid" || dusk_fail "kill -KILL $pid"
dusk_wait_pid "$runner" "$LIMIT" "dusk-run after the kill"
dusk_pass "program killed"
n=$(ls -d /sys/class/spi_master/spi* 2>/dev/null | wc -l)
[ "$n" = 0 ] || dusk_fail "$n controllers outlived the program"
[ ! -e /sys/devices/platform/kspictl ] || dusk_fail "the platform device outlived the program"
dusk_pass "controllers and device gone"
dusk_dmesg_clean "after the kill"
echo "kspictl: all checks passed"
