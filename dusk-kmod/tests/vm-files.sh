#!/bin/sh
# Guest script: a file opened on the program's char device outlives the
# program.  Its file_operations live in a mirror and point at a proxy of
# the module: the module must stay loaded (rmmod: EBUSY) and the mirror
# allocated until the last release; reads after the program died fail
# cleanly; after close the module unloads and dmesg is clean.
. /dusk/lib.sh
insmod /dusk/mod/dusk_ktest.ko || dusk_fail "insmod"
rm -f /tmp/kclient.ready
dusk-kclient chrdev >/tmp/client.out 2>&1 &
client=$!
i=0
while [ ! -e /tmp/kclient.ready ]; do
	i=$((i + 1)); [ $i -lt 100 ] || { cat /tmp/client.out; dusk_fail "client not ready"; }
	sleep 0.1
done
mknod /dev/dusk_chr c 240 0 || dusk_fail "mknod"
exec 3</dev/dusk_chr || dusk_fail "open /dev/dusk_chr"
[ "$(dd bs=64 count=1 <&3 2>/dev/null)" = "hello from dusk" ] || dusk_fail "read served by the program"
dusk_pass "char device read served by the program"
kill -9 $client; wait $client 2>/dev/null
sleep 0.5
grep -q '^FAIL' /tmp/client.out && { cat /tmp/client.out; dusk_fail "client checks"; }
grep -q 'dusk_ktest$' /proc/devices && dusk_fail "char device still registered"
rmmod dusk_ktest 2>/dev/null && dusk_fail "module unloaded under an open file of its device"
dusk_pass "program gone, file still open: the module stays (rmmod refused)"
dd bs=64 count=1 <&3 >/tmp/late.out 2>&1 && dusk_fail "read after the program died succeeded"
dusk_pass "read through the open file after teardown fails cleanly ($(tail -n 1 /tmp/late.out))"
exec 3<&-
rmmod dusk_ktest || dusk_fail "rmmod after the last close"
dusk_pass "last close: module unloads"
dusk_dmesg_clean files
