#!/bin/sh
# Real-kernel test of kclass (guest script, run by test/e2e/difftest in
# both builds): the class's devnode() made the node 0666, its dev_groups
# gave the device a level attribute, read, written and read again; the tty
# driver filled in after tty_alloc_driver() echoes what is written to
# /dev/ttykclass0 upper-cased.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

dmesg -c >/dev/null
samples_load kclass || dusk_fail "load kclass"
i=0
until [ -c /dev/kclass0 ]; do
	i=$((i + 1))
	[ $i -le 50 ] || dusk_fail "no /dev/kclass0"
	sleep 0.1
done
mode=$(ls -l /dev/kclass0 | cut -c1-10)
[ "$mode" = crw-rw-rw- ] || dusk_fail "/dev/kclass0 is $mode"
dusk_pass "/dev/kclass0 is $mode (devnode)"
got=$(cat /sys/class/kclass/kclass0/level) || dusk_fail "read level"
[ "$got" = 3 ] || dusk_fail "level reads '$got'"
dusk_pass "level reads $got (dev_groups)"
echo 9 >/sys/class/kclass/kclass0/level || dusk_fail "write level"
got=$(cat /sys/class/kclass/kclass0/level)
[ "$got" = 9 ] || dusk_fail "level reads '$got' after writing 9"
dusk_pass "level reads $got after writing 9"
[ -c /dev/ttykclass0 ] || dusk_fail "no /dev/ttykclass0"
# (not from this shell, which would make the tty its controlling one)
got=$(timeout 5 sh -c 'exec 3<>/dev/ttykclass0 && printf dusk >&3 && head -c 4 <&3')
[ "$got" = DUSK ] || dusk_fail "/dev/ttykclass0 echoed '$got'"
dusk_pass "/dev/ttykclass0 echoed $got (tty_alloc_driver, flip buffer)"
samples_unload_within kclass 20
samples_logged "kclass: level 9"
samples_logged "kclass: exit, level 9"
[ ! -e /sys/class/kclass ] || dusk_fail "the class outlived the module"
dusk_pass "the class is gone"
echo "kclass: all checks passed"
