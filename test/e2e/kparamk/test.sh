#!/bin/sh
# Real-kernel test of kparamk (guest script, run by test/e2e/difftest in
# both builds: kparamk.ko, then the DUSK user build).
#
# module_param_cb() parameters whose ops are kernel code DUSK does not
# re-implement (param_ops_dyndbg_classes, param_array_ops, a kernel get in
# the module's own ops): values given at load, /sys/module/kparamk/
# parameters/ reads and writes, and what the module's code sees of them.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

P=/sys/module/kparamk/parameters
show() {
	echo "$1 $(stat -c %a "$P/$1"): $(od -An -c "$P/$1" | tr -s ' ' | sed 's/ *$//')"
}
# put FILE TEXT: one write(2), what it returned, what the file reads now
put() {
	err=$(printf '%b' "$2" | dd of="$P/$1" bs=4096 2>&1 | sed -n 's/^dd: .*: //p')
	echo "write $1 '$2': ${err:-ok}; now $(show "$1")"
}
# The kernel code's own log lines (dyndbg's, param_array()'s) since the
# last call, once each.
kernel_log() {
	dmesg | sed 's/^\[[^]]*\] //' | grep -e "^dyndbg: " -e "^kparamk_" |
		awk '!seen[$0]++' | sed 's/^/printk: /'
}

dmesg -c >/dev/null
echo "== values at load, sysfs reads and writes"
samples_load kparamk kparamk_bits=0x5 kparamk_names=+KPK_MID kparamk_level=2 \
	kparamk_vals=1,2,3 kparamk_mixed=3 || dusk_fail "load with parameters"
[ -d "$P" ] || dusk_fail "no $P"
echo "files: $(ls "$P" | tr '\n' ' ')"
for f in $(ls "$P"); do
	show "$f"
done
put kparamk_bits '0x3\n'
put kparamk_bits 'abc'
put kparamk_bits '0x1f\n'
put kparamk_names '+KPK_LOW,KPK_HI\n'
put kparamk_names '-KPK_MID\n'
put kparamk_names 'KPK_NONE\n'
put kparamk_level '4\n'
put kparamk_level '9\n'
put kparamk_vals '4,5,6,7\n'
put kparamk_vals '1,2,3,4,5\n'
put kparamk_vals '8\n'
put kparamk_mixed '1\n'
kernel_log
dusk_pass "parameters read and written through the kernel's ops"
samples_unload kparamk
samples_logged "kparamk: init bits 0x5 names 0x2 level 2 vals 3:1,2,3,0 mixed 3"
samples_logged "kparamk: kparamk_mixed set: 0, now 1"

echo "kparamk: all checks passed"
