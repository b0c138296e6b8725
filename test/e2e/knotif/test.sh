#!/bin/sh
# knotif (guest script, run by test/e2e/difftest in both builds): an IPv6
# address added to lo and removed reaches knotif's callback and the kernel
# module on the chain after it.  In the user build the callback runs late
# (atomic context) and its proxy answers NOTIFY_DONE; before, it never ran,
# and before that its -EWOULDBLOCK stopped the chain there.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

dmesg -c >/dev/null
ip link set lo up
insmod /dusk/mod/knotif_witness.ko || dusk_fail "insmod knotif_witness"
samples_load knotif || dusk_fail "load knotif"
ip -6 addr add fd00::42/128 dev lo || dusk_fail "ip -6 addr add"
i=0
until dmesg | grep -q 'knotif_witness: event 1 fd00::42'; do
	i=$((i + 1))
	[ $i -le 50 ] || { dmesg; dusk_fail "the witness missed the address: the chain stopped"; }
	sleep 0.1
done
dusk_pass "the chain went on to the witness"
ip -6 addr del fd00::42/128 dev lo || dusk_fail "ip -6 addr del"
samples_unload_within knotif 20
samples_logged "knotif: up fd00::42/128"
samples_logged "knotif: down fd00::42/128"
samples_logged "knotif: exit: 2 events"
rmmod knotif_witness || dusk_fail "rmmod knotif_witness"
dusk_dmesg_clean knotif
dusk_pass "the kernel log is clean"
echo "knotif: all checks passed"
