#!/bin/sh
# Real-kernel test of kpinctrl (guest script, run by test/e2e/difftest in
# both builds: kpinctrl.ko, then the DUSK user build).  The pin
# controller's groups, functions and pins, named by the module's
# callbacks, as debugfs shows them; the consumer's states muxed and
# configured at load (its log lines).
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

dmesg -c >/dev/null
mount -t debugfs none /sys/kernel/debug 2>/dev/null
samples_load kpinctrl || dusk_fail "load kpinctrl"
d=/sys/kernel/debug/pinctrl/kpinctrl
for f in pingroups pinmux-functions pinmux-pins; do
	[ -r "$d/$f" ] || dusk_fail "no $d/$f"
	sed "s/^/kpinctrl: $f: /" "$d/$f"
done
grep -q 'function 1: spi, groups = \[ spi_grp \]' "$d/pinmux-functions" ||
	dusk_fail "the functions' names"
dusk_pass "groups, functions and pins named by the module's callbacks"
samples_unload kpinctrl
echo "kpinctrl: all checks passed"
