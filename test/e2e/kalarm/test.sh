#!/bin/sh
# Real-kernel test of kalarm (guest script, run by test/e2e/difftest in
# both builds: kalarm.ko, then the DUSK user build).
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

dmesg -c >/dev/null
samples_load kalarm || dusk_fail "load kalarm"
# ten periods of 30 ms and the 100 ms one-shot, with room for TCG
i=0
until grep -q '^periodic 10 oneshot 1 never 0$' /proc/kalarm; do
	i=$((i + 1))
	[ $i -le 100 ] || { cat /proc/kalarm; dusk_fail "the alarms did not run: $(cat /proc/kalarm)"; }
	sleep 0.1
done
sleep 0.3	# a periodic alarm that kept running would count on
cat /proc/kalarm
samples_unload_within kalarm 20
samples_logged "kalarm: armed, cancel of the long one: 1"
samples_logged "kalarm: bye: periodic 10 oneshot 1 never 0"
echo "kalarm: all checks passed"
