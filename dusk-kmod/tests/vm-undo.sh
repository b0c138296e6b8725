#!/bin/sh
# Guest script: undo records follow what the kernel really holds.  The
# program (dusk-kclient undo) removes a proc entry by name, removes a proc
# directory with an entry below it, names a directory with memory it then
# frees, and registers a char device with a fixed major; then it is
# killed.  Teardown must undo exactly what is still registered -- no
# removal of a freed entry (slub_debug, init_on_free), the fixed major
# released -- and the module must unload with dmesg clean.
. /dusk/lib.sh
S=/sys/kernel/debug/dusk_ktest/stats
insmod /dusk/mod/dusk_ktest.ko || dusk_fail "insmod"
rm -f /tmp/kclient.ready
dusk-kclient undo >/tmp/client.out 2>&1 &
client=$!
i=0
while [ ! -e /tmp/kclient.ready ]; do
	i=$((i + 1)); [ $i -lt 100 ] || { cat /tmp/client.out; dusk_fail "client not ready"; }
	sleep 0.1
done
grep -q '^FAIL' /tmp/client.out && { cat /tmp/client.out; dusk_fail "client checks"; }
[ -e /proc/dusk_dir/e2 ] && [ ! -e /proc/dusk_dir/e1 ] && [ ! -e /proc/dusk_dir2 ] ||
	{ ls -R /proc/dusk_dir* 2>&1; dusk_fail "proc entries not as the program left them"; }
grep -q '^240 dusk_chr$' /proc/devices || dusk_fail "char device 240 not registered"
n=$(awk '$1 == "undo" { print $2 }' $S)
[ "$n" = 3 ] || { cat $S; dusk_fail "undo records: $n, expected 3 (dusk_dir, e2, chrdev)"; }
dusk_pass "records forgotten for entries removed by name and below a removed directory"
kill -9 $client; wait $client 2>/dev/null
sleep 0.5
[ ! -e /proc/dusk_dir ] || dusk_fail "/proc/dusk_dir survived the program"
! grep -q dusk_chr /proc/devices || dusk_fail "fixed-major char device survived the program"
dusk_pass "program killed: directory (by its kept name) and fixed-major char device undone"
rmmod dusk_ktest || dusk_fail "rmmod"
dusk_dmesg_clean undo
