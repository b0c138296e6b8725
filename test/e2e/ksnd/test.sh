#!/bin/sh
# Real-kernel test of ksnd (guest script, run by test/e2e/difftest in both
# builds: ksnd.ko, then the DUSK user build).  The card's names and the
# driver's state live in the struct snd_card and its private area; the
# card's proc entry and /proc/ksnd read them, a write sets the volume.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

dmesg -c >/dev/null
for m in soundcore snd; do
	insmod "/dusk/mod/$m.ko" || dusk_fail "insmod $m"
done
samples_load ksnd || dusk_fail "load ksnd"
got=$(cat /proc/ksnd) || dusk_fail "read of /proc/ksnd"
echo "ksnd: /proc/ksnd reads \"$got\""
case $got in
"card "[0-9]*" DUSK test card / DUSK test card 50: volume 40 gets 0 puts 0") ;;
*) dusk_fail "/proc/ksnd reads '$got'" ;;
esac
sed 's/^ *[0-9]* /N /' /proc/asound/cards | sed 's/^/ksnd: cards: /'
echo 7 >/proc/ksnd || dusk_fail "write to /proc/ksnd"
echo "ksnd: card proc entry reads \"$(cat /proc/asound/card*/ksnd)\""
got=$(cat /proc/ksnd) || dusk_fail "read of /proc/ksnd"
echo "ksnd: /proc/ksnd reads \"$got\""
case $got in
*"volume 70 gets 0 puts 1") ;;
*) dusk_fail "/proc/ksnd reads '$got' after the write" ;;
esac
dusk_pass "card registered, named, its control set"
samples_unload ksnd
echo "ksnd: all checks passed"
