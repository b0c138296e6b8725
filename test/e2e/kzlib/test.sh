#!/bin/sh
# Real-kernel test of kzlib (guest script, run by test/e2e/difftest in both
# builds: kzlib.ko, then the DUSK user build).  Every round trip comes back
# whole; sizes and checksums are compared between the builds.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

dmesg -c >/dev/null
samples_load kzlib || dusk_fail "load kzlib"
samples_unload kzlib
for what in text stack vmalloc 'text again'; do
	printf '%s\n' "$samples_log" | grep -q "^kzlib: $what: .*, back ok\$" ||
		dusk_fail "round trip '$what' did not come back"
	dusk_pass "round trip '$what'"
done
echo "kzlib: all checks passed"
