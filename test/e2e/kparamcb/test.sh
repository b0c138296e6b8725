#!/bin/sh
# Real-kernel test of kparamcb (guest script, run by test/e2e/difftest in
# both builds: kparamcb.ko, then the DUSK user build).
#
# module_param_cb() parameters with the module's own set and get: values
# given at load go through the sets before module_init (a refused one fails
# the load with the kernel's log line); /sys/module/kparamcb/parameters/
# reads run the gets, writes the sets, which refuse what they refuse.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

# module_log: the module's kernel log lines since the last call, once each
# (busybox insmod retries a failed load).
module_log() {
	dmesg | sed 's/^\[[^]]*\] //' | grep "^kparamcb: " |
		grep -v -e 'loading out-of-tree module taints kernel' \
			-e 'module verification failed' | awk '!seen[$0]++' | sed 's/^/printk: /'
	dmesg -c >/dev/null
}

P=/sys/module/kparamcb/parameters
show() {
	echo "$1 $(stat -c %a "$P/$1"): $(od -An -c "$P/$1" | tr -s ' ' | sed 's/ *$//')"
}
# put FILE TEXT: one write(2), what it returned, what the file reads now
put() {
	err=$(printf '%b' "$2" | dd of="$P/$1" bs=4096 2>&1 | sed -n 's/^dd: .*: //p')
	echo "write $1 '$2': ${err:-ok}; now $(show "$1")"
}

dmesg -c >/dev/null
echo "== values at load, sysfs reads and writes"
samples_load kparamcb level=4 mode=fast width=16 || dusk_fail "load with parameters"
[ -d "$P" ] || dusk_fail "no $P"
echo "files: $(ls "$P" | tr '\n' ' ')"
for f in $(ls "$P"); do
	show "$f"
done
put level '5\n'
put level '9\n'
put level 'abc'
put mode 'slow\n'
put mode 'medium\n'
put width '0'
put width '64\n'
put width '65'
dusk_pass "parameters read and written through the module's ops"
samples_unload kparamcb
samples_logged "kparamcb: level 2 -> 4"
samples_logged "kparamcb: init level 4 mode fast (1 sets) width 16"
samples_logged "kparamcb: level 4 -> 5"
samples_logged "kparamcb: exit level 5 mode slow (2 sets) width 64"

echo "== a value the module's set refuses at load"
if samples_load kparamcb level=9 2>/dev/null; then
	dusk_fail "level=9 accepted"
fi
dusk_pass "level=9 refused"
module_log
[ ! -d /sys/module/kparamcb ] || dusk_fail "kparamcb loaded after a refused value"
dusk_pass "nothing left loaded"

echo "kparamcb: all checks passed"
