#!/bin/sh
# Real-kernel test of mfile, a module of two source files (guest script, run
# by test/e2e/difftest in both builds: the .ko, then the DUSK user build).
#
# Writes to /proc/mfile go through the first file's proc_write to the
# second file's counter, which logs every second write; reads show the
# counters.  The log lines carry Kbuild's module name (pr_fmt), in both
# builds mfile, not the name of either file.  Both files have a static
# counter and a static note() of the same names, each file's its own.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=20
samples_load mfile || dusk_fail "load mfile"
[ -e /proc/mfile ] || dusk_fail "no /proc/mfile"
for w in one two three; do
	echo "$w" >/proc/mfile || dusk_fail "write $w"
done
echo "read: $(timeout -s KILL $LIMIT cat /proc/mfile)"
samples_unload mfile
[ ! -e /proc/mfile ] || dusk_fail "/proc/mfile outlived the module"
samples_logged "mfile: ready"
samples_logged "mfile: every second write: 2 writes, 8 bytes"
samples_logged "mfile: exit: 3 writes, 14 bytes"
# each file's static counter is its own (one variable would count 33)
samples_logged "mfile: note: main's write, call 3"
samples_logged "mfile: note: stats' count, calls 30"
echo "mfile: all checks passed"
