#!/bin/sh
# Real-kernel test of kcandev (guest script, run by test/e2e/difftest in
# both builds: kcandev.ko, then the DUSK user build).  The CAN device
# comes up at its preset bit rate; frames the module makes with
# alloc_can_skb() and fills are received and counted.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

dmesg -c >/dev/null
insmod /dusk/mod/can-dev.ko || dusk_fail "insmod can-dev"
samples_load kcandev || dusk_fail "load kcandev"
ip link set kcan0 up || dusk_fail "kcan0 up"
echo "kcandev: $(ip -d link show kcan0 | grep -o 'can state [A-Z-]*\|bitrate [0-9]*' | tr '\n' ' ')"
echo 0x123 >/proc/kcandev || dusk_fail "a frame received"
echo 0x7ff >/proc/kcandev || dusk_fail "a second frame received"
got=$(cat /proc/kcandev)
echo "kcandev: /proc/kcandev reads \"$got\""
[ "$got" = "opens 1 rx 2 bytes 8" ] || dusk_fail "/proc/kcandev reads '$got'"
echo "kcandev: rx_packets $(cat /sys/class/net/kcan0/statistics/rx_packets)"
dusk_pass "frames made with alloc_can_skb() received and counted"
ip link set kcan0 down
samples_unload kcandev
echo "kcandev: all checks passed"
