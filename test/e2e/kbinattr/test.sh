#!/bin/sh
# Real-kernel test of kbinattr (guest script, run by test/e2e/difftest in
# both builds: kbinattr.ko, then the DUSK user build).
#
# The blob is read whole and at an offset (the kernel's buffer that read()
# fills), written at offsets (the buffer write() reads), and read back.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=20
B=/sys/kernel/kbinattr/blob

dmesg -c >/dev/null
samples_load kbinattr || dusk_fail "load kbinattr"
timeout -s KILL "$LIMIT" cat "$B" >/tmp/got 2>/tmp/err || dusk_fail "reading $B: $(cat /tmp/err)"
[ "$(cat /tmp/got)" = ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKL ] ||
	dusk_fail "$B reads '$(cat /tmp/got)'"
dusk_pass "$B: $(cat /tmp/got)"
got=$(timeout -s KILL "$LIMIT" dd if="$B" bs=1 skip=60 count=10 2>/dev/null) ||
	dusk_fail "reading $B at 60"
[ "$got" = IJKL ] || dusk_fail "$B at 60 reads '$got'"
dusk_pass "$B at 60: $got"
printf 'hello' | timeout -s KILL "$LIMIT" dd of="$B" bs=5 seek=2 conv=notrunc 2>/dev/null ||
	dusk_fail "writing $B at 10"
printf '0123' | timeout -s KILL "$LIMIT" dd of="$B" conv=notrunc 2>/dev/null ||
	dusk_fail "writing $B at 0"
got=$(timeout -s KILL "$LIMIT" head -c 20 "$B") || dusk_fail "reading $B again"
[ "$got" = 0123EFGHIJhelloPQRST ] || dusk_fail "$B reads '$got' after the writes"
dusk_pass "$B after the writes: $got"
[ "$(cat /sys/kernel/kbinattr/writes)" = 2 ] || dusk_fail "writes: $(cat /sys/kernel/kbinattr/writes)"
dusk_pass "writes: 2"
samples_unload_within kbinattr "$LIMIT"
samples_logged "kbinattr: blob 00000000: 30 31 32 33 45 46 47 48 49 4a 68 65 6c 6c 6f 50"
samples_logged "kbinattr: 5 bytes written at 10"
samples_logged "kbinattr: exit after 2 writes"
echo "kbinattr: all checks passed"
