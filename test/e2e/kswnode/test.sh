#!/bin/sh
# Real-kernel test of kswnode (guest script, run by test/e2e/difftest in
# both builds: kswnode.ko, then the DUSK user build).  The module's two
# platform devices carry the properties it gave them, in sysfs too.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

dmesg -c >/dev/null
samples_load kswnode || dusk_fail "load kswnode"
for d in kswnode.0 kswnode.1 kswnode.2; do
	[ -d /sys/bus/platform/devices/$d ] || dusk_fail "no platform device $d"
	echo "kswnode: $d software node $(ls /sys/bus/platform/devices/$d/software_node/ 2>/dev/null | tr '\n' ' ')"
done
samples_unload kswnode
samples_logged "kswnode: kswnode.0: label kswnode-a (0) reg-width 32 (0) widths 8 16 32 (0)"
samples_logged "kswnode: kswnode.0: mac 02:00:5e:10:20:30 (0) modes 3: fast slow off wakeup 1 count 3"
samples_logged "kswnode: kswnode.1: label kswnode-b (0) reg-width 16 (0) widths 0 0 0 (-75)"
samples_logged "kswnode: kswnode.1: mac 00:00:00:00:00:00 (-22) modes -22: ? ? ? wakeup 0 count 2"
samples_logged "kswnode: kswnode.2 added, dma mask 0xffffff"
echo "kswnode: all checks passed"
