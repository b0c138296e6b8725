#!/bin/sh
# DUSK's KASAN in the VM (guest script): kasanbug's user build, once per
# bug.  bug=0 runs clean through module_exit; bug=1 (a write past the end
# of a kmalloc() buffer), bug=2 (a read after kfree()) and bug=3 (a second
# kfree()) are each reported with the allocation's, the free's and the
# access's lines of kasanbug.c, the program dies, dusk-run unloads the
# kmod, and the kernel (booted with slab debugging) has nothing to say.
#
# usage: kasan.sh KASANBUG_C   (the source, to find the lines)
. /dusk/lib.sh
set -u
src=$1
line() { grep -n "$1" "$src" | cut -d: -f1; }
alloc=$(line KASAN-ALLOC) oob=$(line KASAN-OOB) free2=$(line KASAN-FREE2)
uaf=$(line KASAN-UAF) free3=$(line KASAN-FREE3) dfree=$(line KASAN-DFREE)
kmod=/dusk/mod/dusk_kasanbug.ko

dusk-run --kmod $kmod /dusk/bin/kasanbug bug=0 >/tmp/ok.log 2>&1 &
run=$!
i=0
until grep -q ': running; SIGINT' /tmp/ok.log; do
	kill -0 $run 2>/dev/null || { cat /tmp/ok.log; dusk_fail "bug=0 did not run"; }
	i=$((i + 1))
	[ $i -le 600 ] || { cat /tmp/ok.log; dusk_fail "bug=0 did not start"; }
	sleep 0.1
done
kill -TERM $run
wait $run
rc=$?
cat /tmp/ok.log
[ $rc -eq 0 ] || dusk_fail "bug=0 ended with status $rc"
grep -q 'KASAN' /tmp/ok.log && dusk_fail "KASAN reported a correct run"
grep -q 'kasanbug: buffer ends with 4' /tmp/ok.log || dusk_fail "bug=0 did not use its buffer"
grep -q 'kasanbug: unloaded' /tmp/ok.log || dusk_fail "module_exit did not run"
dusk_pass "bug=0: the last element written and read, freed at exit, nothing reported"

# run_bug N: the program with bug=N must die (the log in /tmp/bugN.log).
run_bug() {
	dusk-run --kmod $kmod /dusk/bin/kasanbug bug=$1 >/tmp/bug$1.log 2>&1
	rc=$?
	cat /tmp/bug$1.log
	[ $rc -ne 0 ] || dusk_fail "bug=$1 ended with status 0"
	lsmod | grep -q '^dusk_kasanbug ' && dusk_fail "bug=$1 left dusk_kasanbug loaded"
	dusk_dmesg_clean "bug=$1"
}
# expect N PATTERN WHAT
expect() {
	grep -q "$2" /tmp/bug$1.log || dusk_fail "bug=$1: no report of $3"
	dusk_pass "bug=$1: $3"
}
region="a 20-byte kmalloc() region allocated at [^ ]*kasanbug\.c:$alloc (in kasanbug_init)"

run_bug 1
expect 1 "^dusk: KASAN: out of bounds: write of 4 bytes at offset 20 of $region, at [^ ]*kasanbug\.c:$oob (in kasanbug_init)" \
	"a 4-byte write at offset 20 of the 20-byte buffer at line $oob"

run_bug 2
expect 2 "^dusk: KASAN: use after free: read of 4 bytes at offset 8 of $region, freed by kfree() at [^ ]*kasanbug\.c:$free2 (in kasanbug_init), at [^ ]*kasanbug\.c:$uaf (in kasanbug_init)" \
	"a read after the kfree() at line $free2, at line $uaf"
grep -q 'kasanbug: stale' /tmp/bug2.log && dusk_fail "bug=2: the program went on after the report"

run_bug 3
expect 3 "^dusk: KASAN: double free: kfree() of $region, freed by kfree() at [^ ]*kasanbug\.c:$free3 (in kasanbug_init), at [^ ]*kasanbug\.c:$dfree (in kasanbug_init)" \
	"the second kfree() at line $dfree of the buffer freed at line $free3"
echo "kasan: all checks passed"
