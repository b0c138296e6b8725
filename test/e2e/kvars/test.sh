#!/bin/sh
# Real-kernel test of kvars (guest script, run by test/e2e/difftest in both
# builds: kvars.ko, then the DUSK user build).
#
# Module globals the kernel reads and writes on its own: a debugfs u32 and
# bool, a sysctl int (proc_dointvec_minmax).  A shell's write while the
# module is idle must be seen by the module's next callback (a /proc show)
# and by module_exit; the module's own writes (init, a /proc write) must be
# seen by a shell's read.  Every access is bounded.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=20
D=/sys/kernel/debug/kvars
S=/proc/sys/dev/kvars/limit

mount -t debugfs none /sys/kernel/debug 2>/dev/null

# expect FILE WANT: FILE reads exactly WANT.
expect() {
	got=$(timeout -s KILL "$LIMIT" cat "$1" 2>/tmp/err) ||
		dusk_fail "reading $1 failed: $(cat /tmp/err)"
	[ "$got" = "$2" ] || dusk_fail "$1 reads '$got', want '$2'"
	dusk_pass "$1: $got"
}

# put VALUE FILE: a shell's write of VALUE to FILE; prints whether it took.
put() {
	if timeout -s KILL "$LIMIT" sh -c "echo $1 > $2" 2>/dev/null; then
		dusk_pass "echo $1 > $2: accepted"
	else
		dusk_pass "echo $1 > $2: refused"
	fi
}

samples_load kvars || dusk_fail "load kvars"
# the module's own writes (init) as the kernel's readers see them
expect $D/count 1
expect $D/enabled Y
expect $S 10
expect /proc/kvars "count 1 enabled 1 limit 10"

# the kernel's writes while the module is idle, then a module callback
put 5 $D/count
put N $D/enabled
put 42 $S
put 500 $S
expect /proc/kvars "count 5 enabled 0 limit 42"

# a module callback writes; the kernel's readers see it
put x /proc/kvars
expect $D/count 6
expect $D/enabled Y
expect $S 21
expect /proc/kvars "count 6 enabled 1 limit 21"

# a last write while idle, seen by module_exit
put 8 $D/count
samples_unload_within kvars "$LIMIT"
samples_logged "kvars: exit: count 8 enabled 1 limit 21"
dusk_dmesg_clean kvars
echo "kvars: all checks passed"
