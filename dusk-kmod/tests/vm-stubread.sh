#!/bin/sh
# Guest script: the pointers a stub only reads pass the READ rule.  A
# printk format, its %s and %pI4 arguments and a strscpy source that are
# unmapped, freed or the program's own addresses make the CALL -EFAULT;
# before, vsnprintf() and strscpy() oopsed on them.
. /dusk/lib.sh
insmod /dusk/mod/dusk_ktest.ko || dusk_fail "insmod"
dusk-kclient stubread || dusk_fail "stubread scenario"
dmesg | grep -q 'ktest: guarded 7' || dusk_fail "printk of a mirror did not reach dmesg"
dusk_pass "printk text in dmesg"
rmmod dusk_ktest || dusk_fail "rmmod"
dusk_pass "rmmod"
dusk_dmesg_clean stubread
