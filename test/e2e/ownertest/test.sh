#!/bin/sh
# Real-kernel test of ownertest (guest script, run by test/e2e/difftest in
# both builds: ownertest.ko, then the DUSK user build).
#
# Each /proc/ownertest read asks about one object through two kinds of API
# (mutex_trylock and mutex_is_locked, static_branch_enable and
# static_branch_unlikely, kfifo_in from literals and kfifo_out): both
# builds must give the same answers.  Every access is bounded.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=20

# expect_proc WANT: /proc/ownertest reads exactly WANT.
expect_proc() {
	timeout -s KILL "$LIMIT" cat /proc/ownertest >/tmp/got 2>/tmp/err ||
		dusk_fail "reading /proc/ownertest failed: $(cat /tmp/err)"
	got=$(cat /tmp/got)
	if [ "$got" != "$1" ]; then
		printf 'got:\n%s\nwant:\n%s\n' "$got" "$1"
		dusk_fail "/proc/ownertest differs"
	fi
	dusk_pass "/proc/ownertest: $(printf '%s' "$got" | tr '\n' ',')"
}

# cmd CMD: write CMD to /proc/ownertest.
cmd() {
	# shellcheck disable=SC2016
	timeout -s KILL "$LIMIT" sh -c 'echo "$1" >/proc/ownertest' sh "$1" 2>/tmp/err ||
		dusk_fail "'$1' refused: $(cat /tmp/err)"
	dusk_pass "'$1' accepted"
}

samples_load ownertest || dusk_fail "insmod ownertest"
[ -d /sys/class/ownertest ] || dusk_fail "no /sys/class/ownertest"
dusk_pass "/sys/class/ownertest exists"

echo "== a fresh module"
expect_proc "mutex trylock 1 locked 1 again 0 after unlock 0
key branch 0 enabled 0
fifo 5 'abcde' left 0
class yes"

echo "== the key enabled by a kernel call, the fifo fed a literal"
cmd fast
cmd push
cmd push
expect_proc "mutex trylock 1 locked 1 again 0 after unlock 0
key branch 1 enabled 1
fifo 10 'hellohello' left 0
class yes"

echo "== and disabled again"
cmd slow
expect_proc "mutex trylock 1 locked 1 again 0 after unlock 0
key branch 0 enabled 0
fifo 0 '' left 0
class yes"
cmd fast

samples_unload_within ownertest "$LIMIT"
samples_logged "ownertest: loaded, fifo 5"
samples_logged "ownertest: unloaded, key 1"
[ ! -e /proc/ownertest ] || dusk_fail "/proc/ownertest outlived the module"
[ ! -e /sys/class/ownertest ] || dusk_fail "/sys/class/ownertest outlived the module"
dusk_pass "/proc/ownertest and /sys/class/ownertest gone"

dusk_dmesg_clean ownertest
echo "ownertest: all checks passed"
