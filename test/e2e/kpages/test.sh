#!/bin/sh
# Real-kernel test of kpages (guest script, run by test/e2e/difftest in
# both builds: kpages.ko, then the DUSK user build).
#
# The module fills page-allocator buffers at load, a /proc write changes
# them, a read shows their checksums; the kernel log stays clean.  The
# checksums are in the transcript, so both builds must compute the same.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=20

show() {
	timeout -s KILL "$LIMIT" cat /proc/kpages >/tmp/got 2>/tmp/err ||
		dusk_fail "reading /proc/kpages failed: $(cat /tmp/err)"
	dusk_pass "/proc/kpages: $(tr '\n' ',' </tmp/got)"
}

samples_load kpages || dusk_fail "insmod kpages"
[ -e /proc/kpages ] || dusk_fail "no /proc/kpages"
show
timeout -s KILL "$LIMIT" sh -c 'echo hello >/proc/kpages' 2>/tmp/err ||
	dusk_fail "writing /proc/kpages refused: $(cat /tmp/err)"
dusk_pass "wrote hello"
show
grep -q "^pair [0-9]* hello" /tmp/got || dusk_fail "the write did not reach the pages"
dusk_pass "the pages hold what was written"

samples_unload_within kpages "$LIMIT" "module exit hung?"
samples_logged "kpages: loaded"
printf '%s\n' "$samples_log" | grep -q "^kpages: pair [0-9]* one [0-9]* zero 0/[0-9]* exact [0-9]*$" ||
	dusk_fail "no checksum line at load"
dusk_pass "checksums logged at load"
printf '%s\n' "$samples_log" | grep -q "^kpages: adjacent [0-9]* [0-9]*$" ||
	dusk_fail "adjacent pages not filled and logged"
dusk_pass "adjacent pages filled together"
printf '%s\n' "$samples_log" | grep -q "^kpages: big [0-9]*$" ||
	dusk_fail "no 64 KiB block filled and logged"
dusk_pass "64 KiB block filled"

dusk_dmesg_clean kpages
echo "kpages: all checks passed"
