#!/bin/sh
# Guest script: load dusk_ktest.ko, run the protocol scenario "basic"
# (handshake, READ, CALL, printk, mirrors, owned memory, hostile input,
# second program, no privilege) and random requests, check what it printed reached dmesg,
# unload, dmesg clean.
. /dusk/lib.sh
insmod /dusk/mod/dusk_ktest.ko mem_max_mb=8 || dusk_fail "insmod"
dusk-kclient basic || dusk_fail "basic scenario"
dusk-kclient fuzz 3000 || dusk_fail "fuzz"
dmesg | grep -q 'ktest: dusk-mirror 7' || dusk_fail "printk stub did not reach dmesg"
dusk_pass "printk stub text in dmesg"
grep -q '^refused [1-9]' /sys/kernel/debug/dusk_ktest/stats || dusk_fail "refusals not counted"
grep -q '^session none' /sys/kernel/debug/dusk_ktest/stats || dusk_fail "session left bound"
dusk_pass "debugfs stats"
# Which stubs the core acts around is decided once at load (stubclass.c):
# one that none of its concerns names runs with no bookkeeping.
stubs=/sys/kernel/debug/dusk_ktest/stubs
for want in "ktest_mix plain" "ktest_read_atomic plain" "kfree tracked" "__kmalloc tracked" \
	    "strscpy tracked" "proc_create tracked" "proc_remove tracked" \
	    "nf_unregister_net_hook tracked" "queue_delayed_work_on tracked" \
	    "kthread_stop tracked" "register_pernet_subsys tracked" "__register_chrdev tracked"; do
	grep -qx "$want" $stubs || dusk_fail "debugfs stubs: want '$want', have: $(grep "^${want% *} " $stubs)"
done
dusk_pass "debugfs stubs"
rmmod dusk_ktest || dusk_fail "rmmod"
dusk_pass "rmmod"
dusk_dmesg_clean basic
