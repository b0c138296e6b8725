#!/bin/sh
# Real-kernel test of paramtest (guest script, run by test/e2e/difftest in
# both builds: paramtest.ko, then the DUSK user build).
#
# Parameters of every kind reach module_init; an unknown parameter is
# ignored with the kernel's warning; a value the kernel refuses fails the
# load with the kernel's error in the log; a failing module_init fails the
# load.  Both builds must log the same lines.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

# module_log: the module's kernel log lines since the last call (a failed
# load is logged twice by the kernel build: busybox insmod retries with
# init_module after finit_module; uniq).
module_log() {
	dmesg | sed 's/^\[[^]]*\] //' | grep "^paramtest: " |
		grep -v -e 'loading out-of-tree module taints kernel' \
			-e 'module verification failed' | uniq | sed 's/^/printk: /'
	dmesg -c >/dev/null
}

echo "== every kind of parameter, and an unknown one"
samples_load paramtest level=5 verbose=y name=bob iface=wlan0 ids=1,-2,3 bogus=1 ||
	dusk_fail "load with parameters"
dusk_pass "loaded with parameters"
samples_unload paramtest
samples_logged "paramtest: unknown parameter 'bogus' ignored"
samples_logged "paramtest: level 5 verbose 1 name bob iface wlan0"
samples_logged "paramtest: id[2] = 3"

echo "== defaults"
samples_load paramtest || dusk_fail "load without parameters"
samples_unload paramtest
samples_logged "paramtest: level 3 verbose 0 name world iface eth0"
samples_logged "paramtest: id[0] = 7"

echo "== a value the kernel refuses"
if samples_load paramtest level=abc 2>/dev/null; then
	dusk_fail "level=abc accepted"
fi
dusk_pass "level=abc refused"
module_log

echo "== a string too long for its buffer"
if samples_load paramtest iface=abcdefghijklmnopqrstuvwxyz 2>/dev/null; then
	dusk_fail "a 26-character iface accepted"
fi
dusk_pass "a 26-character iface refused"
module_log

echo "== module_init fails"
if samples_load paramtest fail=1 2>/dev/null; then
	dusk_fail "fail=1 loaded"
fi
dusk_pass "fail=1 refused"
module_log
[ ! -d /sys/module/paramtest ] || dusk_fail "paramtest loaded after a failed init"
dusk_pass "nothing left loaded"

echo "paramtest: all checks passed"
