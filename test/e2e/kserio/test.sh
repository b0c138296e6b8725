#!/bin/sh
# Real-kernel test of kserio (guest script, run by test/e2e/difftest in
# both builds: kserio.ko, then the DUSK user build).  The module's serio
# driver binds to its own echo port; bytes written to /proc/kserio go out
# with serio_write() and come back, inverted, through the driver's
# .interrupt (serio_interrupt(), interrupts off); the module unloads with
# a clean kernel log (the serio core frees the port).
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

# wait_got N: until /proc/kserio shows N bytes (5 s at most)
wait_got() {
	i=0
	until grep -q "got $1:" /proc/kserio; do
		i=$((i + 1))
		[ $i -le 50 ] || { cat /proc/kserio; dusk_fail "no $1 bytes in /proc/kserio"; }
		sleep 0.1
	done
}

dmesg -c >/dev/null
samples_load kserio || dusk_fail "load kserio"
i=0
until grep -q 'bound yes' /proc/kserio; do
	i=$((i + 1))
	[ $i -le 50 ] || dusk_fail "the driver did not bind to its port"
	sleep 0.1
done
dusk_pass "the driver is bound to its port"
printf 'AB' >/proc/kserio || dusk_fail "write to /proc/kserio"
wait_got 2
printf 'xyz' >/proc/kserio
wait_got 5
echo "kserio: /proc/kserio reads \"$(cat /proc/kserio)\""
grep -q 'written 5 got 5: be bd 87 86 85' /proc/kserio || dusk_fail "the bytes that came back"
dusk_pass "the bytes written came back through the driver's interrupt"
samples_unload kserio
dusk_dmesg_clean kserio
echo "kserio: all checks passed"
