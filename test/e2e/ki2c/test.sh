#!/bin/sh
# Real-kernel test of ki2c (guest script, run by test/e2e/difftest in both
# builds: ki2c.ko, then the DUSK user build).  The chip driver binds to the
# module's own adapter and reads its registers through the I2C core; a
# write to /proc/ki2c stores a register through it.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

dmesg -c >/dev/null
samples_load ki2c || dusk_fail "load ki2c"
got=$(cat /proc/ki2c) || dusk_fail "read of /proc/ki2c"
echo "$got" | sed 's/^/ki2c: /'
case $got in
"id 0x51 reg10 74 word 0x585b"*"transfer 2: 7a 7b 78 79"*) ;;
*) dusk_fail "/proc/ki2c reads '$got'" ;;
esac
echo 7 >/proc/ki2c || dusk_fail "write to /proc/ki2c"
got=$(cat /proc/ki2c) || dusk_fail "read of /proc/ki2c"
echo "$got" | sed 's/^/ki2c: /'
case $got in
"id 0x51 reg10 7 "*"last 7") ;;
*) dusk_fail "/proc/ki2c reads '$got' after the write" ;;
esac
dusk_pass "bound, read and written through the I2C core"
samples_unload ki2c
echo "ki2c: all checks passed"
