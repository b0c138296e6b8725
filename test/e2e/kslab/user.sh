#!/bin/sh
# kslab's user build with objects left in its slab cache (guest script).
#
# Destroying a slab cache that holds objects is a kernel BUG (SLUB:
# "Objects remaining in kslab on __kmem_cache_shutdown()") and a WARNING.
# The kmod must never let that happen on the program's behalf:
#
#   1. leak=1: the module destroys its cache at exit without freeing its
#      objects (the module's bug): the kmod frees them first, the program
#      reports each as a leak with the line that allocated it, the kernel
#      log stays clean.
#   2. the program is SIGKILLed with objects in its cache: teardown
#      destroys the cache the program created (it is gone from
#      /sys/kernel/slab), freeing the objects first; dmesg stays clean and
#      the kmod unloads.
#
# Every wait is bounded.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=20	# seconds for one wait
STATS=/sys/kernel/debug/dusk_kslab/stats

# start PARAM...: run the user build through dusk-run (the kmod loaded by
# us stays loaded) and wait until it runs with its objects.
start() {
	log=/tmp/kslab.user.log
	: >"$log"
	dusk-run --kmod /dusk/mod/dusk_kslab.ko /dusk/bin/kslab "$@" >"$log" 2>&1 &
	runner=$!
	samples_wait_log '^dusk: kslab: running' "$log" "$LIMIT" "kslab did not start"
	[ -d /sys/kernel/slab/kslab ] || dusk_fail "no cache kslab in /sys/kernel/slab"
	pid=$(samples_pids kslab)
	[ -n "$pid" ] || dusk_fail "no kslab program running"
}

# session_gone: the kmod has torn the session down.
session_gone() {
	i=0
	until grep -q '^session none' "$STATS"; do
		i=$((i + 1))
		[ $i -le $((LIMIT * 10)) ] || { cat "$STATS"; dusk_fail "$1: session still bound ${LIMIT}s later"; }
		sleep 0.1
	done
}

# cache_gone: the cache kslab is destroyed.
cache_gone() {
	i=0
	while [ -e /sys/kernel/slab/kslab ]; do
		i=$((i + 1))
		[ $i -le $((LIMIT * 10)) ] || dusk_fail "$1: the cache kslab was not destroyed"
		sleep 0.1
	done
	dusk_pass "$1: the cache kslab is destroyed"
}

dmesg -c >/dev/null
insmod /dusk/mod/dusk_kslab.ko || dusk_fail "insmod dusk_kslab"

echo "== 1. module_exit destroys the cache with 8 objects in it"
start count=8 leak=1
kill -TERM "$pid"
wait "$runner"
rc=$?
[ $rc -eq 0 ] || { cat "$log"; dusk_fail "1: dusk-run exited with $rc"; }
session_gone "1"
cache_gone "1"
n=$(grep -c 'dusk: leak: kernel memory from kmem_cache_[a-z_]*alloc[a-z_]* at [^ ]*kslab\.c:[0-9]* (in kslab_add) was still allocated when the module destroyed its cache (kmem_cache_destroy at [^ ]*kslab\.c:[0-9]* (in kslab_exit))' "$log")
[ "$n" = 8 ] || { cat "$log"; dusk_fail "1: $n objects reported left in the destroyed cache, want 8"; }
dusk_pass "1: the program reports the 8 objects left in the cache"
grep -q 'dusk: leak: .* was never freed' "$log" && { cat "$log"; dusk_fail "1: reported again as never freed at exit"; }
dusk_pass "1: no object reported twice"
dmesg | grep -q 'dusk_kslab: kmem_cache_destroy: 8 objects of the program still in the cache: freed first' ||
	{ dmesg | tail -20; dusk_fail "1: the kmod did not say it freed the 8 objects"; }
dusk_pass "1: the kmod freed them before the cache was destroyed"
dusk_dmesg_clean "1"

echo "== 2. the program killed with 8 objects in its cache"
start count=8
kill -KILL "$pid" || dusk_fail "kill -KILL $pid"
wait "$runner"
session_gone "2"
cache_gone "2"
dusk_dmesg_clean "2"
timeout -s KILL "$LIMIT" rmmod dusk_kslab || dusk_fail "rmmod dusk_kslab"
dusk_pass "2: dusk_kslab unloaded"
sleep 1
dusk_dmesg_clean "after rmmod"
echo "kslab-user: all checks passed"
