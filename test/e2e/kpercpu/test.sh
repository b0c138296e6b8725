#!/bin/sh
# Real-kernel test of kpercpu (guest script, run by test/e2e/difftest in
# both builds: kpercpu.ko, then the DUSK user build).
#
# Writes add to a per-cpu counter and count in an alloc_percpu() block on
# the writer's CPU; /proc/kpercpu shows the sums over all possible CPUs.
# Writes are pinned to different CPUs (taskset) when the VM has more than
# one, so the sums add up copies of several CPUs.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=20	# seconds for one /proc access

read_proc() { dusk_read_proc -j /proc/kpercpu; }

# add N CPU: write N from a process on CPU (any CPU when taskset is missing)
add() {
	pin=''
	command -v taskset >/dev/null 2>&1 && pin="taskset -c $2"
	timeout -s KILL "$LIMIT" $pin sh -c "echo $1 >/proc/kpercpu" 2>/tmp/err ||
		dusk_fail "adding $1 failed: $(cat /tmp/err)"
	dusk_pass "added $1"
}

last=$(($(nproc) - 1))
dmesg -c >/dev/null
samples_load kpercpu || dusk_fail "load kpercpu"
read_proc
[ "$got" = "sum 0 writes 0" ] || dusk_fail "at load: /proc/kpercpu says '$got'"
dusk_pass "at load: '$got'"
add 3 0
add 4 "$last"
add 5 0
read_proc
[ "$got" = "sum 12 writes 3" ] || dusk_fail "after 3 writes: /proc/kpercpu says '$got'"
dusk_pass "after 3 writes: '$got'"
samples_unload_within kpercpu "$LIMIT"
samples_logged "kpercpu: added 3, this cpu's last 3"
samples_logged "kpercpu: added 4, this cpu's last 4"
samples_logged "kpercpu: added 5, this cpu's last 5"
samples_logged "kpercpu: exit"
dmesg | grep -q "wrong cpu" && dusk_fail "smp_processor_id() disagreed with get_cpu()"
echo "kpercpu: all checks passed"
