#!/bin/sh
# Real-kernel test of cdevtest, or of cdevalloc with CDEV=cdevalloc (guest
# script, run by test/e2e/difftest in both builds: the .ko, then the DUSK
# user build).
#
# The device node devtmpfs makes for the module's class and device is read
# (simple_read_from_buffer advancing *pos), written (copy_from_user,
# kstrtoint), and driven by ioctl (__put_user, __get_user, an unknown
# command); refused writes answer the module's errors.  After the unload
# the node, the class and the device numbers are gone.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=20
name=${CDEV:-cdevtest}
dev=/dev/$name

samples_load $name || dusk_fail "load $name"
i=0
until [ -c $dev ]; do
	i=$((i + 1))
	[ $i -le $((LIMIT * 10)) ] || dusk_fail "no $dev"
	sleep 0.1
done
echo "class: $(ls /sys/class/$name)"
echo "devices: $(grep -c " $name\$" /proc/devices)"
echo "read: $(timeout -s KILL $LIMIT cat $dev)"
echo "read 3 bytes at a time: $(timeout -s KILL $LIMIT dd if=$dev bs=3 2>/dev/null | tr '\n' '|')"
echo 42 >$dev && echo "write 42: ok"
echo "read: $(timeout -s KILL $LIMIT cat $dev)"
echo "ioctl get: $(timeout -s KILL $LIMIT cdevctl $dev get)"
echo "ioctl set 7: $(timeout -s KILL $LIMIT cdevctl $dev set 7)"
echo "ioctl get: $(timeout -s KILL $LIMIT cdevctl $dev get)"
echo "ioctl bad: $(timeout -s KILL $LIMIT cdevctl $dev bad)"
# The caller's buffer at the program's own addresses (in the user build:
# its globals, its runtime's code): the kernel copies from and to the caller.
# shellcheck disable=SC2046
timeout -s KILL $LIMIT uaddr write $dev 9 $(samples_uaddr_at $name /dusk/bin/$name rw-p) &&
	echo "write 9 from the program's addresses: ok"
# shellcheck disable=SC2046
timeout -s KILL $LIMIT uaddr read $dev $(samples_uaddr_at $name libduskrt r-xp)
echo "read: $(timeout -s KILL $LIMIT cat $dev)"
printf 'nonsense' >$dev 2>/dev/null || echo "write nonsense: refused"
printf '12345678901234567890' >$dev 2>/dev/null || echo "write 20 bytes: refused"
samples_unload $name
i=0
while [ -e $dev ] || [ -e /sys/class/$name ]; do
	i=$((i + 1))
	[ $i -le $((LIMIT * 10)) ] || dusk_fail "$dev or its class outlived the module"
	sleep 0.1
done
echo "devices after unload: $(grep -c " $name\$" /proc/devices)"
samples_logged "$name: ready"
samples_logged "$name: value 42"
samples_logged "$name: gone"
dusk_dmesg_clean $name
echo "$name: all checks passed"
