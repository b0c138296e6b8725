#!/bin/sh
# Real-kernel test of devmtest (guest script, run by test/e2e/difftest in
# both builds: devmtest.ko, then the DUSK user build).
#
# The probe writes the device-managed memory it allocated; a /proc write
# (another callback) writes it again; unbinding at unload gives it back to
# the devres list, and the kernel log stays free of BUGs and warnings.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=20

expect_proc() {
	timeout -s KILL "$LIMIT" cat /proc/devmtest >/tmp/got 2>/tmp/err ||
		dusk_fail "reading /proc/devmtest failed: $(cat /tmp/err)"
	got=$(cat /tmp/got)
	[ "$got" = "$1" ] || dusk_fail "/proc/devmtest: got '$got', want '$1'"
	dusk_pass "/proc/devmtest: $got"
}

add() {
	timeout -s KILL "$LIMIT" sh -c 'echo "$1" >/proc/devmtest' sh "$1" 2>/tmp/err ||
		dusk_fail "adding $1 refused: $(cat /tmp/err)"
	dusk_pass "added $1"
}

samples_load devmtest || dusk_fail "insmod devmtest"
[ -e /proc/devmtest ] || dusk_fail "no /proc/devmtest"
[ -e /sys/bus/platform/drivers/devmtest/devmtest ] ||
	dusk_fail "devmtest device not bound to its driver"
dusk_pass "device bound"

expect_proc "label unit-7 count 1 sum 60"
add 5
add 2
expect_proc "label unit-7 count 8 sum 67"

# its RTC, filled in after devm_rtc_allocate_device(): the one whose name
# is the device's
rtc=
for d in /sys/class/rtc/rtc*; do
	[ "$(cat "$d/name" 2>/dev/null)" = "devmtest devmtest" ] && rtc=$d
done
[ -n "$rtc" ] || dusk_fail "no devmtest RTC in /sys/class/rtc"
got=$(cat "$rtc/since_epoch") || dusk_fail "reading the RTC failed"
[ "$got" = 1577836800 ] || dusk_fail "RTC reads $got, want 1577836800"
dusk_pass "RTC reads $got (read_time)"

samples_unload_within devmtest "$LIMIT" "remove or the devres release hung?"
samples_logged "devmtest: probe devmtest"
samples_logged "devmtest: probed: label unit-7 Tag-3 table 0 10 20 30"
samples_logged "devmtest: rtc_read_time 0: year 2020"
samples_logged "devmtest: loaded, bound 1"
samples_logged "devmtest: remove: count 8"
samples_logged "devmtest: unloaded"
[ ! -e /sys/bus/platform/devices/devmtest ] || dusk_fail "devmtest device outlived the module"
dusk_pass "device gone"

dusk_dmesg_clean devmtest
echo "devmtest: all checks passed"
