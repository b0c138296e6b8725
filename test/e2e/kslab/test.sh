#!/bin/sh
# Real-kernel test of kslab (guest script, run by test/e2e/difftest in both
# builds: kslab.ko, then the DUSK user build).
#
# Objects of the module's own slab cache are freed through call_rcu(); at
# exit the module waits for its callbacks with rcu_barrier() and destroys
# the cache.  In the user build the callbacks are upcalls the program
# serves: rcu_barrier() must not return before the program has run them,
# or the cache is destroyed with objects in it (SLUB: "Objects remaining
# in kslab on __kmem_cache_shutdown()", a kernel BUG, and a WARNING).
# Every wait is bounded.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=20	# seconds for one /proc access

# read_proc: /proc/kslab's contents in $got, on one line.
read_proc() { dusk_read_proc -j /proc/kslab; }

# command CMD: write CMD to /proc/kslab.
command() {
	timeout -s KILL "$LIMIT" sh -c "echo $1 >/proc/kslab" 2>/tmp/err ||
		dusk_fail "'$1' failed: $(cat /tmp/err)"
	dusk_pass "'$1' accepted"
}

# wait_proc WANT: until /proc/kslab says WANT (RCU callbacks run later).
wait_proc() { dusk_wait_proc -j /proc/kslab "$1"; }

dmesg -c >/dev/null
samples_load kslab count=8 || dusk_fail "load kslab"
wait_proc "live 8 freed 0"
command drop
wait_proc "live 0 freed 8"
command add
wait_proc "live 8 freed 8"
command add
wait_proc "live 16 freed 8"

echo "== unload: 16 objects freed through call_rcu(), rcu_barrier(), kmem_cache_destroy()"
samples_unload_within kslab "$LIMIT"
samples_logged "kslab: loaded, 8 objects"
samples_logged "kslab: exit, freed 24"
[ ! -e /sys/kernel/slab/kslab ] || dusk_fail "the cache kslab outlived the module"
dusk_pass "the cache kslab is gone"
sleep 1
dusk_dmesg_clean "after unload"
echo "kslab: all checks passed"
