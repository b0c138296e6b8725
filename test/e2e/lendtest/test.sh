#!/bin/sh
# Real-kernel test of lendtest (guest script, run by test/e2e/difftest in
# both builds: lendtest.ko, then the DUSK user build).
#
# Each callback writes memory the kernel hands it: *ppos of a read(), the
# struct file's private_data in open(), *pos in seq_file start()/next(),
# the PAGE_SIZE buffer of a sysfs show().  In the user build those writes
# reach the kernel only if the callback's proxy lends the pointees.
# Every access is bounded (LIMIT seconds, then SIGKILL).
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=20

# run WHAT CMD...: run CMD bounded; its output in $got, or fail.
run() {
	what=$1
	shift
	timeout -s KILL "$LIMIT" "$@" >/tmp/got 2>/tmp/err
	rc=$?
	[ $rc -ne 137 ] || dusk_fail "$what did not finish within ${LIMIT}s"
	[ $rc -eq 0 ] || dusk_fail "$what failed (status $rc): $(cat /tmp/err)"
	got=$(cat /tmp/got)
}

# expect WHAT WANT CMD...: CMD prints exactly WANT.
expect() {
	what=$1 want=$2
	shift 2
	run "$what" "$@"
	if [ "$got" != "$want" ]; then
		printf 'got:\n%s\nwant:\n%s\n' "$got" "$want"
		dusk_fail "$what differs"
	fi
	dusk_pass "$what: $(printf '%s' "$got" | tr '\n' ',')"
}

samples_load lendtest || dusk_fail "insmod lendtest"
[ -c /dev/lendtest ] || dusk_fail "no /dev/lendtest"

echo "== read() advances *ppos, open() sets private_data"
expect "cat /dev/lendtest" "one
two
three" cat /dev/lendtest
expect "the first two reads" "one
two" dd if=/dev/lendtest bs=64 count=2 status=none

echo "== seq_file start()/next() move *pos"
expect "cat /proc/lendtest" "item 0
item 2
item 4" cat /proc/lendtest
# Small reads restart the walk at the position the module left.
expect "cat /proc/lendtest in 7-byte reads" "item 0
item 2
item 4" dd if=/proc/lendtest bs=7 status=none

echo "== sysfs show() fills the buffer, store() parses it"
expect "value" "v=7" cat /sys/kernel/lendtest/value
run "store 1234" sh -c 'echo 1234 >/sys/kernel/lendtest/value'
expect "value after store" "v=1234" cat /sys/kernel/lendtest/value
if sh -c 'echo nope >/sys/kernel/lendtest/value' 2>/dev/null; then
	dusk_fail "store of 'nope' accepted"
fi
dusk_pass "store of 'nope' refused"

samples_unload_within lendtest "$LIMIT"
samples_logged "lendtest: loaded"
samples_logged "lendtest: open 1 read 4 times"
samples_logged "lendtest: open 2 read 2 times"
samples_logged "lendtest: unloaded, 2 opens, value 1234"
[ ! -e /dev/lendtest ] || dusk_fail "/dev/lendtest outlived the module"
[ ! -e /proc/lendtest ] || dusk_fail "/proc/lendtest outlived the module"
[ ! -e /sys/kernel/lendtest ] || dusk_fail "/sys/kernel/lendtest outlived the module"
dusk_pass "/dev, /proc and /sys entries gone"

dusk_dmesg_clean lendtest
echo "lendtest: all checks passed"
