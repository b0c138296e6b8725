#!/bin/sh
# Real-kernel test of krcuread (guest script, run by test/e2e/difftest in
# both builds: krcuread.ko, then the DUSK user build).
#
# A slow writer (a /proc write) replaces the RCU-protected configuration
# and frees the old one after synchronize_rcu(), or by kfree_rcu(); a slow
# reader -- the LOCAL_IN hook on an echo request, then a timer -- takes the
# old one just before the swap and reads it after.  The grace period waits
# for the reader in the kernel build, so it never reads the old
# configuration dead or freed.  Before the user build's grace periods
# waited for the program's readers (dusk-kmod/core/syncwait.c, rcufree.c),
# the readers, run in the program, read it dead (synchronize_rcu()), or had
# a kernel function read it freed (kfree_rcu()): "stale 1".
#
# Every access and every wait is bounded.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=20

# swap_in_background WRITE: echo WRITE > /proc/krcuread, the writer
# waiting before its swap ($writer: the job).
swap_in_background() {
	timeout -s KILL "$LIMIT" sh -c "echo $1 > /proc/krcuread" &
	writer=$!
	dusk_wait_dmesg "krcuread: writer ${1#rcu} waiting"
}

# read_during_swap N WRITE HOW: reader N (HOW: hook or timer) takes the
# configuration while WRITE replaces it.
read_during_swap() {
	swap_in_background "$2"
	if [ "$3" = hook ]; then
		timeout -s KILL 30 ping -c 1 -W 15 -s 77 127.0.0.1 >/dev/null 2>&1 &
		reader=$!
	else
		timeout -s KILL "$LIMIT" sh -c "echo arm > /proc/krcuread" ||
			dusk_fail "echo arm > /proc/krcuread failed"
		reader=''
	fi
	dusk_wait_dmesg "krcuread: reader $1 started"
	wait "$writer" || dusk_fail "echo $2 > /proc/krcuread failed"
	[ -z "$reader" ] || wait "$reader" || dusk_fail "the ping through the slow hook failed"
}

dmesg -c >/dev/null
samples_load krcuread size=77 || dusk_fail "load krcuread"
dusk_wait_proc /proc/krcuread "reads 0 stale 0 value 1"
# The user build's packets and timers wait for the program as long as
# DUSK's timeout allows (a reader slower than that is a stopped program's
# case): longer than these slow readers under TCG
[ ! -w /sys/module/dusk_krcuread/parameters/nf_timeout_ms ] ||
	echo 10000 >/sys/module/dusk_krcuread/parameters/nf_timeout_ms

echo "== a hook reading while synchronize_rcu() and kfree() replace the configuration"
read_during_swap 1 2 hook
dusk_wait_proc /proc/krcuread "reads 1 stale 0 value 2"

echo "== a timer reading while synchronize_rcu() and kfree() replace the configuration"
read_during_swap 2 3 timer
dusk_wait_proc /proc/krcuread "reads 2 stale 0 value 3"

echo "== a hook reading while kfree_rcu() frees the configuration"
read_during_swap 3 rcu4 hook
dusk_wait_proc /proc/krcuread "reads 3 stale 0 value 4"

echo "== a timer reading while kfree_rcu() frees the configuration"
read_during_swap 4 rcu5 timer
dusk_wait_proc /proc/krcuread "reads 4 stale 0 value 5"

echo "== unload"
samples_unload_within krcuread "$LIMIT"
samples_logged "krcuread: loaded, size 77 delay 4000 ms"
samples_logged "krcuread: exit: reads 4 stale 0"
