#!/bin/sh
# Real-kernel test of kinput (guest script, run by test/e2e/difftest in both
# builds: kinput.ko, then the DUSK user build).
#
# The registered device is in /sys/class/input with the name, phys, id and
# key capabilities the module set, and goes away at exit.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

dmesg -c >/dev/null
samples_load kinput || dusk_fail "load kinput"
dev=''
for d in /sys/class/input/input*; do
	[ "$(cat "$d/name" 2>/dev/null)" = "kinput virtual keyboard" ] && dev=$d
done
[ -n "$dev" ] || dusk_fail "no input device named 'kinput virtual keyboard'"
dusk_pass "registered: $(cat "$dev/name")"
for f in phys id/bustype id/vendor id/product id/version capabilities/ev capabilities/key; do
	echo "$f: $(cat "$dev/$f")"
done
[ "$(cat "$dev/phys")" = kinput/input0 ] || dusk_fail "phys is '$(cat "$dev/phys")'"
[ "$(cat "$dev/id/vendor")" = 1234 ] || dusk_fail "vendor is '$(cat "$dev/id/vendor")'"
dusk_pass "phys and id as set"
samples_unload kinput
[ -e "$dev" ] && dusk_fail "$dev still there after unload"
dusk_pass "unregistered"
samples_logged "kinput: registered kinput virtual keyboard (kinput/input0), typed a key"
samples_logged "kinput: unregistered"
echo "kinput: all checks passed"
