#!/bin/sh
# Real-kernel test of paramtest (guest script, run by test/e2e/difftest in
# both builds: paramtest.ko, then the DUSK user build).
#
# Parameters of every kind reach module_init; an unknown parameter is
# ignored with the kernel's warning; a value the kernel refuses fails the
# load with the kernel's error in the log; a failing module_init fails the
# load.  /sys/module/paramtest/parameters/ shows the parameters with a
# non-zero perm, with the kernel's texts, takes writes (and refuses them)
# as the kernel's param_set_* do, and goes away with the module, also when
# the user build is killed while its files are being read.  Both builds
# must log the same lines.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

# module_log: the module's kernel log lines since the last call (a failed
# load is logged twice by the kernel build: busybox insmod retries with
# init_module after finit_module; each line is kept once).
module_log() {
	dmesg | sed 's/^\[[^]]*\] //' | grep "^paramtest: " |
		grep -v -e 'loading out-of-tree module taints kernel' \
			-e 'module verification failed' | awk '!seen[$0]++' | sed 's/^/printk: /'
	dmesg -c >/dev/null
}

echo "== every kind of parameter, and an unknown one"
samples_load paramtest level=5 verbose=y name=bob iface=wlan0 ids=1,-2,3 bogus=1 burst=6 high=25 ||
	dusk_fail "load with parameters"
dusk_pass "loaded with parameters"
samples_unload paramtest
samples_logged "paramtest: unknown parameter 'bogus' ignored"
samples_logged "paramtest: level 5 verbose 1 name bob iface wlan0"
samples_logged "paramtest: burst 6 limits 10 25"
samples_logged "paramtest: id[2] = 3"

echo "== defaults"
samples_load paramtest || dusk_fail "load without parameters"
samples_unload paramtest
samples_logged "paramtest: level 3 verbose 0 name world iface eth0"
samples_logged "paramtest: id[0] = 7"

echo "== /sys/module/paramtest/parameters"
P=/sys/module/paramtest/parameters
# show FILE: its mode and its exact bytes
show() {
	echo "$1 $(stat -c %a "$P/$1"): $(od -An -c "$P/$1" | tr -s ' ' | sed 's/ *$//')"
}
# put FILE TEXT: write TEXT (printf %b: \n is a newline) in one write(2),
# then say what the write returned (dd names the errno) and what the file
# reads now
put() {
	err=$(printf '%b' "$2" | dd of="$P/$1" bs=4096 2>&1 | sed -n 's/^dd: .*: //p')
	echo "write $1 '$2': ${err:-ok}; now $(show "$1")"
}
samples_load paramtest level=5 name=bob ids=1,-2,3 || dusk_fail "load for sysfs"
[ -d "$P" ] || dusk_fail "no $P"
echo "files: $(ls "$P" | tr '\n' ' ')"
for f in $(ls "$P"); do
	show "$f"
done
put level '7\n'
put level '0x1f'
put level 'abc\n'
put level '99999999999\n'
put level ' 8'
put verbose 'y\n'
put verbose 'maybe\n'
put iface 'wlan1\n'
put iface 'abcdefghijklmnopqrstuvwxyz\n'
put iface 'lo'
put ids '4,5\n'
put ids '1,2,3,4,5'
put ids '9'
put name 'alice'
put burst '12\n'
put high '-3\n'
dusk_pass "parameters read and written"
samples_unload paramtest
samples_logged "paramtest: unloaded: level 31 verbose 1 iface lo nids 1 id[0] 9"
samples_logged "paramtest: unloaded: burst 12 limits 10 -3"
[ ! -d /sys/module/paramtest ] || dusk_fail "/sys/module/paramtest left after unload"
dusk_pass "/sys/module/paramtest gone after unload"

echo "== the module goes away while its parameters are read"
samples_load paramtest || dusk_fail "load for the reader"
exec 3<"$P/level"
( while cat "$P/level"; do :; done ) >/dev/null 2>&1 &
reader=$!
sleep 1
if [ "${DUSK_MODE:-kernel}" = user ]; then
	# the user build dies (kill -9): the kmod's teardown removes the files
	# shellcheck disable=SC2046
	kill -KILL $(samples_pids paramtest)
	wait "$samples_user_pid"
	cat /tmp/paramtest.user.log >>/tmp/user-builds.log
else
	rmmod paramtest || dusk_fail "rmmod paramtest"
fi
wait "$reader"
if cat <&3 >/dev/null 2>&1; then
	dusk_fail "a file kept open reads after the module went away"
fi
exec 3<&-
[ ! -d /sys/module/paramtest ] || dusk_fail "/sys/module/paramtest left behind"
dusk_pass "parameters gone with the module, an open one reads no more"
dusk_dmesg_clean paramtest
dmesg -c >/dev/null

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
