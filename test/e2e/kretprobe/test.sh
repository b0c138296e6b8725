#!/bin/sh
# Real-kernel test of samples/kprobes/kretprobe_example.c (guest script,
# run by test/e2e/difftest in both builds: kretprobe_example.ko, then the
# DUSK user build).
#
# The sample probes the function named by its func= parameter; here
# __x64_sys_sethostname, which nothing but the scenario calls: three
# `hostname` calls, the last with a name too long (-EINVAL).  It prints
# one "returned N and took M ns" line per call: the return value is the
# real one (regs_return_value() on the registers at the return), the time
# is masked (the user build's handlers run late), but it must be the
# time from the entry handler's stamp in the instance's data area, not
# since boot.  Unloading prints the kretprobe's nmissed.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

FUNC=__x64_sys_sethostname
LIMIT=30

dmesg -c >/dev/null
samples_load kretprobe_example func=$FUNC || dusk_fail "load kretprobe_example"
hostname dusk-a || dusk_fail "hostname dusk-a"
hostname dusk-b || dusk_fail "hostname dusk-b"
! hostname "$(printf '%070d' 0)" 2>/dev/null || dusk_fail "a 70-byte hostname was taken"
dusk_pass "three sethostname calls, the last refused"

# Unload (the user build: SIGTERM, module_exit waits for the handlers of
# the calls seen before), within LIMIT seconds.
if [ "${DUSK_MODE:-kernel}" = user ]; then
	(sleep "$LIMIT"; echo "FAIL: module_exit did not finish within ${LIMIT}s (killed)"
	 kill -KILL "$samples_user_pid") &
	watchdog=$!
	samples_user_stop kretprobe_example
	kill "$watchdog" 2>/dev/null
else
	rmmod kretprobe_example || dusk_fail "rmmod kretprobe_example"
fi
dusk_dmesg_clean kretprobe_example
klog=$(dmesg | sed 's/^\[[^]]*\] //' |
	grep -e "^$FUNC returned " -e '^Planted return probe at ' -e '^kretprobe at ' \
	     -e '^Missed probing ')
dmesg -c >/dev/null

# Every call took less than 2 s from its entry stamp: a return handler
# reading a data area its entry handler did not write would see the time
# since boot.
slow=$(printf '%s\n' "$klog" | sed -n 's/.* and took \([0-9-]*\) ns to execute$/\1/p' |
	awk '$1 < 0 || $1 >= 2000000000' | wc -l)
[ "$slow" = 0 ] || { printf '%s\n' "$klog"; dusk_fail "$slow calls timed from elsewhere"; }
dusk_pass "each call timed from its entry handler's stamp"
# The transcript: times and addresses masked.
printf '%s\n' "$klog" | sed -E -e 's/ and took -?[0-9]+ ns / and took N ns /' \
	-e 's/(at [^ ]*: |at )(0x)?[0-9a-f]{8,16}$/\1ADDR/' \
	-e 's/(at [^ ]*: |at )\(____ptrval____\)$/\1ADDR/' \
	-e 's/^(kretprobe at )(0x)?([0-9a-f]{8,16}|\(____ptrval____\))( unregistered)$/\1ADDR\4/' |
	sed 's/^/printk: /'
n=$(printf '%s\n' "$klog" | grep -c "^$FUNC returned 0 and took ")
[ "$n" = 2 ] || dusk_fail "$n calls returned 0, not 2"
printf '%s\n' "$klog" | grep -q "^$FUNC returned 18446744073709551594 and took " ||
	dusk_fail "no call returned -EINVAL"
dusk_pass "two calls returned 0, one -EINVAL"
printf '%s\n' "$klog" | grep -qx "Missed probing 0 instances of $FUNC" ||
	dusk_fail "missed instances"
dusk_pass "no instance missed"
echo "kretprobe_example: all checks passed"
