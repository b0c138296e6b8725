#!/bin/sh
# Guest script: READ honours kernel lockdown.  Reading arbitrary kernel
# memory is what /proc/kcore does; under confidentiality lockdown the
# kernel refuses that, and so must DUSK's READ (EPERM).
. /dusk/lib.sh
insmod /dusk/mod/dusk_ktest.ko || dusk_fail "insmod"
out=$(dusk-kclient readmagic)
[ "$out" = "read 0 magic" ] || dusk_fail "READ without lockdown: $out"
dusk_pass "READ without lockdown"
mount -t securityfs none /sys/kernel/security 2>/dev/null
[ -w /sys/kernel/security/lockdown ] || dusk_fail "no lockdown LSM in the guest kernel"
echo confidentiality >/sys/kernel/security/lockdown || dusk_fail "cannot raise lockdown"
out=$(dusk-kclient readmagic)
case $out in "read -1 "*) ;; *) dusk_fail "READ under confidentiality lockdown: $out" ;; esac
dusk_pass "READ under confidentiality lockdown refused ($out)"
rmmod dusk_ktest || dusk_fail "rmmod"
dusk_dmesg_clean lockdown
