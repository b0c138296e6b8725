#!/bin/sh
# Real-kernel test of kblk (guest script, run by test/e2e/difftest in both
# builds: kblk.ko, then the DUSK user build).  /dev/kblk0 reads what the
# driver put in its store, takes writes through the page cache and direct
# I/O (requests of several segments) and reads them back.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=30	# seconds for one dd

dmesg -c >/dev/null
# complete.sh sets KBLK_PARAMS (complete=1) and sources this script
samples_load kblk ${KBLK_PARAMS:-} || dusk_fail "load kblk ${KBLK_PARAMS:-}"
[ -b /dev/kblk0 ] || mknod /dev/kblk0 b "$(cut -d: -f1 /sys/class/block/kblk0/dev)" 0
first=$(timeout "$LIMIT" head -c 18 /dev/kblk0) || dusk_fail "read of /dev/kblk0 did not return"
echo "kblk: sector 0 reads \"$first\""
[ "$first" = "kblk disk sector 0" ] || dusk_fail "sector 0 read wrong"
dusk_pass "sector 0 read through queue_rq"

printf 'written by the test\n' >/tmp/kblk.in
timeout "$LIMIT" dd if=/tmp/kblk.in of=/dev/kblk0 bs=512 seek=8 conv=sync,fsync 2>/dev/null ||
	dusk_fail "write to /dev/kblk0 did not return"
echo 3 >/proc/sys/vm/drop_caches
back=$(timeout "$LIMIT" dd if=/dev/kblk0 bs=512 skip=8 count=1 2>/dev/null | head -c 19) ||
	dusk_fail "read back did not return"
echo "kblk: sector 8 reads \"$back\""
[ "$back" = "written by the test" ] || dusk_fail "sector 8 did not read back what was written"
dusk_pass "written and read back through the page cache"

# requests of many segments
samples_block_direct /dev/kblk0 "$LIMIT"

samples_unload_within kblk "$LIMIT"
samples_logged "kblk: 512 sectors"
samples_logged "kblk: exit"
echo "kblk: all checks passed"
