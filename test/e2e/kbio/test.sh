#!/bin/sh
# Real-kernel test of kbio (guest script, run by test/e2e/difftest in both
# builds: kbio.ko, then the DUSK user build).  /dev/kbio0 reads what the
# driver put in its store, takes a write through the page cache (direct
# I/O too) and reads it back.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

dmesg -c >/dev/null
samples_load kbio || dusk_fail "load kbio"
[ -b /dev/kbio0 ] || mknod /dev/kbio0 b "$(cut -d: -f1 /sys/class/block/kbio0/dev)" 0
first=$(timeout 20 head -c 18 /dev/kbio0) || dusk_fail "read of /dev/kbio0 did not return"
echo "kbio: sector 0 reads \"$first\""
[ "$first" = "kbio disk sector 0" ] || dusk_fail "sector 0 read wrong"
printf 'written by the test\n' >/tmp/kbio.in
timeout 20 dd if=/tmp/kbio.in of=/dev/kbio0 bs=512 seek=8 conv=sync,fsync 2>/dev/null ||
	dusk_fail "write to /dev/kbio0 did not return"
echo 3 >/proc/sys/vm/drop_caches
back=$(timeout 20 dd if=/dev/kbio0 bs=512 skip=8 count=1 2>/dev/null | head -c 19) ||
	dusk_fail "read back did not return"
echo "kbio: sector 8 reads \"$back\""
[ "$back" = "written by the test" ] || dusk_fail "sector 8 did not read back what was written"
dusk_pass "read, written and read back through submit_bio"
# 64 KiB direct: a read's data may land in neighbouring pages, which
# the user build's stores reach as one range
samples_block_direct /dev/kbio0 20
samples_unload_within kbio 20
echo "kbio: all checks passed"
