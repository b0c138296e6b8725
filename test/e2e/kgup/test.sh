#!/bin/sh
# Real-kernel test of kgup (guest script, run by test/e2e/difftest in both
# builds: kgup.ko, then the DUSK user build).  Writes to /dev/kgup are read
# by the driver through the writer's pinned pages (one within a page, one
# across two); a read gets the driver's report written straight into the
# reader's pinned pages.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

dmesg -c >/dev/null
samples_load kgup || dusk_fail "load kgup"
printf 'hello pinned pages' >/dev/kgup || dusk_fail "write to /dev/kgup"
# 6000 bytes in one write: over two pages at least
head -c 6000 /dev/zero | tr '\0' 'p' >/tmp/kgup.in
dd if=/tmp/kgup.in of=/dev/kgup bs=6000 2>/dev/null || dusk_fail "long write to /dev/kgup"
got=$(timeout 20 head -c 200 /dev/kgup) || dusk_fail "read of /dev/kgup"
echo "kgup: /dev/kgup reads \"$got\""
case $got in
"kgup reads 1 writes 2 bytes 6018 hash "*) ;;
*) dusk_fail "/dev/kgup reads '$got'" ;;
esac
got=$(cat /proc/kgup) || dusk_fail "read of /proc/kgup"
echo "kgup: /proc/kgup reads \"$got\""
dusk_pass "written through pinned pages, read back into pinned pages"
samples_unload kgup
echo "kgup: all checks passed"
