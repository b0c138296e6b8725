#!/bin/sh
# Real-kernel test of ksndpart (guest script, run by test/e2e/difftest in
# both builds: ksndpart.ko, then the DUSK user build).  The rawmidi
# device's and the PCM's names and private data are set by the driver in
# the kernel's objects; bytes written to the rawmidi device come back.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

dmesg -c >/dev/null
for m in soundcore snd snd-seq-device snd-rawmidi snd-timer snd-pcm; do
	insmod "/dusk/mod/$m.ko" || dusk_fail "insmod $m"
done
samples_load ksndpart || dusk_fail "load ksndpart"
got=$(cat /proc/ksndpart) || dusk_fail "read of /proc/ksndpart"
echo "ksndpart: /proc/ksndpart reads \"$got\""
case $got in
'rawmidi "ksndpart loop" flags 0x7 ours, pcm "ksndpart capture" ours: opens 0 moved 0') ;;
*) dusk_fail "/proc/ksndpart reads '$got'" ;;
esac
c=$(sed -n 's/^ *\([0-9]*\) \[ksndpart.*/\1/p' /proc/asound/cards)
echo "ksndpart: pcm info: $(grep -e '^name' -e '^id' /proc/asound/card$c/pcm0c/info | tr '\n' ' ')"
got=$( (exec 3<>/dev/snd/midiC${c}D0; printf 'ABCD' >&3; timeout 5 head -c 4 <&3 | od -An -tx1) 2>&1)
echo "ksndpart: looped back:$got"
[ "$got" = " be bd bc bb" ] || dusk_fail "looped back '$got'"
got=$(cat /proc/ksndpart)
echo "ksndpart: /proc/ksndpart reads \"$got\""
case $got in
*"opens 2 moved 4") ;;
*) dusk_fail "/proc/ksndpart reads '$got' after the loop" ;;
esac
dusk_pass "rawmidi and PCM set up by the driver, bytes looped back"
# the rawmidi file's release (module_put of the card's module) may come
# a moment after the reader is gone
i=0
while [ "$(cat /sys/module/ksndpart/refcnt 2>/dev/null || echo 0)" != 0 ] && [ $i -lt 50 ]; do
	i=$((i + 1))
	sleep 0.1
done
samples_unload ksndpart
echo "ksndpart: all checks passed"
