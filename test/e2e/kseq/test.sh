#!/bin/sh
# Real-kernel test of kseq (guest script, run by test/e2e/difftest in both
# builds: kseq.ko, then the DUSK user build).
#
# Each /proc file is read twice: its iterator state (allocated by
# __seq_open_private(), seq_open_private(), the module after seq_open(),
# or the kernel for proc_create_seq_private()) is written by the open and
# the seq callbacks and freed at each release.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=20	# seconds for one /proc read

# check FILE NAME BASE: FILE reads as three items of iterator NAME, BASE.
check() {
	timeout -s KILL "$LIMIT" cat "/proc/$1" >/tmp/got 2>/tmp/err ||
		dusk_fail "reading /proc/$1 failed: $(cat /tmp/err)"
	printf '%s item 0 base %s starts 1 nexts 0\n%s item 1 base %s starts 1 nexts 1\n%s item 2 base %s starts 1 nexts 2\n' \
		"$2" "$3" "$2" "$3" "$2" "$3" >/tmp/want
	cmp -s /tmp/got /tmp/want || dusk_fail "/proc/$1 says '$(cat /tmp/got)'"
	dusk_pass "/proc/$1: $(head -n 1 /tmp/got)"
}

dmesg -c >/dev/null
samples_load kseq || dusk_fail "load kseq"
check kseq_priv priv 100
check kseq_opriv opriv 201
check kseq_plain plain 302
check kseq_state state 0
check kseq_priv priv 103
check kseq_opriv opriv 204
check kseq_plain plain 305
check kseq_state state 0
# one file open across reads of the others (its state stays its own)
exec 3</proc/kseq_priv
check kseq_opriv opriv 207
cat <&3 >/tmp/got3 || dusk_fail "reading the held /proc/kseq_priv"
grep -qx 'priv item 2 base 106 starts 1 nexts 2' /tmp/got3 ||
	dusk_fail "held /proc/kseq_priv says '$(cat /tmp/got3)'"
exec 3<&-
dusk_pass "held /proc/kseq_priv: $(tail -n 1 /tmp/got3)"
samples_unload_within kseq "$LIMIT"
samples_logged "kseq: opriv release: starts 2 nexts 3"
samples_logged "kseq: exit after 8 opens"
echo "kseq: all checks passed"
