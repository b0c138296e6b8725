#!/bin/sh
# Real-kernel test of kfill (guest script, run by test/e2e/difftest in both
# builds: kfill.ko, then the DUSK user build).  The genradix objects are
# written and found again; the hw_random read fills the core's buffer:
# /dev/hwrng gives the driver's bytes, the same in both builds.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

dmesg -c >/dev/null
samples_load kfill || dusk_fail "load kfill"
bytes=$(head -c 16 /dev/hwrng | od -An -tx1 | tr -d ' \n')
echo "kfill: /dev/hwrng $bytes"
[ ${#bytes} = 32 ] || dusk_fail "/dev/hwrng gave ${#bytes} hex digits"
dusk_pass "/dev/hwrng read"
samples_unload kfill
printf '%s\n' "$samples_log" | grep -q '^kfill: genradix 171 objects, weight 1022, 1197 -> 1197$' ||
	dusk_fail "the genradix objects were not written"
dusk_pass "genradix objects written and found"
printf '%s\n' "$samples_log" | grep -q '^kfill: hwrng registered 0' || dusk_fail "hwrng_register"
dusk_pass "hwrng registered"
echo "kfill: all checks passed"
