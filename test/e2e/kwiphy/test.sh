#!/bin/sh
# Real-kernel test of kwiphy (guest script, run by test/e2e/difftest in
# both builds: kwiphy.ko, then the DUSK user build).  The driver fills in
# the wiphy wiphy_new() handed it and keeps its state in wiphy_priv(): the
# wiphy registers, its station netdev comes up, and frames sent through it
# are counted in the private area.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

dmesg -c >/dev/null
insmod /dusk/mod/rfkill.ko || dusk_fail "insmod rfkill"
insmod /dusk/mod/cfg80211.ko || dusk_fail "insmod cfg80211"
samples_load kwiphy || dusk_fail "load kwiphy"
[ -e /sys/class/net/kwl0/phy80211 ] || dusk_fail "kwl0 has no wiphy"
echo "kwiphy: wiphy macaddress $(cat /sys/class/net/kwl0/phy80211/macaddress)"
ip link set kwl0 up || dusk_fail "kwl0 up"
ip addr add 10.71.0.1/24 dev kwl0
ping -c 2 -W 1 10.71.0.2 >/dev/null 2>&1
got=$(cat /proc/kwiphy)
echo "kwiphy: /proc/kwiphy reads \"$got\"" | sed 's/dropped [1-9][0-9]*/dropped N/' 
case $got in
"named modes 0x4 opens 1 dropped "[1-9]*) ;;
*) dusk_fail "/proc/kwiphy reads '$got'" ;;
esac
dusk_pass "a wiphy filled in and registered, its netdev's frames counted"
ip link set kwl0 down
samples_unload kwiphy
echo "kwiphy: all checks passed"
