#!/bin/sh
# Real-kernel test of kvlog (guest script, run by test/e2e/difftest in both
# builds: kvlog.ko, then the DUSK user build).
#
# module_init logs through the module's own variadic helpers (vprintk(),
# vsnprintf() into a buffer /proc/kvlog shows, %pV of a va_format,
# kvasprintf()) and sums with va_arg(); its tables use GNU ranges.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=20

dmesg -c >/dev/null
samples_load kvlog || dusk_fail "load kvlog"
cat /proc/kvlog
grep -qx 'a=1 b=two ip=10.0.0.1 c=3' /proc/kvlog || dusk_fail "/proc/kvlog"
dusk_pass "vsnprintf() of a va_list"
samples_unload_within kvlog "$LIMIT"
samples_logged "kvlog: level one 42 str    ab|7   |abcdef"
samples_logged "kvlog: prec wxy|wx|wxyz|"
samples_logged "kvlog: null (null)|"
samples_logged "kvlog: [init] x=7 y=ff s=in"
samples_logged "kvlog: dup 4-5 10.0.0.1 sum 110"
samples_logged "kvlog: weights 32 kinds dls grid 0 5 6 7"
samples_logged "kvlog: [exit] len=26"
printf "%s\n" "$samples_log" | grep -q "level two" && dusk_fail "a level above verbose was logged"
echo "kvlog: all checks passed"
