#!/bin/sh
# The user build runs under AddressSanitizer (guest script): asanbug built
# with `dusk-build --sanitize=address`.  With slot=0 it loads, runs and
# unloads cleanly (the runtime itself gives ASan nothing to report); with
# slot=4 its module_init writes past its global table: ASan reports the
# overflow at asanbug.c:LINE, the program dies alone, dusk-run unloads the
# kmod, and the kernel has nothing to say.
#
# usage: asan.sh ASANBUG_C   (the source, to find the line)
. /dusk/lib.sh
set -u
line=$(grep -n 'ASAN-LINE' "$1" | cut -d: -f1)
[ -n "$line" ] || dusk_fail "no ASAN-LINE in $1"

dusk-run --kmod /dusk/mod/dusk_asanbug.ko /dusk/bin/asanbug slot=0 >/tmp/ok.log 2>&1 &
run=$!
i=0
until grep -q ': running; SIGINT' /tmp/ok.log; do
	kill -0 $run 2>/dev/null || { cat /tmp/ok.log; dusk_fail "asanbug slot=0 did not run"; }
	i=$((i + 1))
	[ $i -le 600 ] || { cat /tmp/ok.log; dusk_fail "asanbug slot=0 did not start"; }
	sleep 0.1
done
kill -TERM $run
wait $run
rc=$?
cat /tmp/ok.log
[ $rc -eq 0 ] || dusk_fail "asanbug slot=0 ended with status $rc"
grep -q 'AddressSanitizer' /tmp/ok.log && dusk_fail "ASan reported a correct run"
grep -q 'asanbug: unloaded' /tmp/ok.log || dusk_fail "module_exit did not run"
dusk_pass "slot=0: a clean run under ASan"

dusk-run --kmod /dusk/mod/dusk_asanbug.ko /dusk/bin/asanbug slot=4 >/tmp/bad.log 2>&1
rc=$?
cat /tmp/bad.log
[ $rc -ne 0 ] || dusk_fail "the overflowing run ended with status 0"
grep -q 'ERROR: AddressSanitizer: global-buffer-overflow' /tmp/bad.log ||
	dusk_fail "ASan did not report a global-buffer-overflow"
grep -q "^WRITE of size 4 " /tmp/bad.log || dusk_fail "not reported as a 4-byte write"
grep -q "#0 .* in asanbug_init .*asanbug\.c:$line\$" /tmp/bad.log ||
	dusk_fail "the overflow is not reported at asanbug.c:$line"
grep -q "global variable 'asanbug_table' defined in '[^']*asanbug\.c:" /tmp/bad.log ||
	dusk_fail "ASan does not name the global"
dusk_pass "ASan: global-buffer-overflow, a write of 4 bytes at asanbug.c:$line, asanbug_table"
grep -q 'asanbug: table\[4\] set' /tmp/bad.log && dusk_fail "the program went on after the report"
lsmod | grep -q '^dusk_asanbug ' && dusk_fail "dusk_asanbug is still loaded"
dusk_pass "the program died alone and its kmod is unloaded"
dusk_dmesg_clean asan
echo "asan: all checks passed"
