#!/bin/sh
# Guest script: registrations the module never takes back itself (it
# relies on its exit, which never runs in the program): two
# pernet_operations (subsys and device) and a netdevice notifier, all in
# the program's mirrors.  After SIGKILL teardown must unregister them
# before freeing the mirrors: the next netns or device would walk freed
# memory otherwise.
. /dusk/lib.sh
S=/sys/kernel/debug/dusk_ktest/stats
insmod /dusk/mod/dusk_ktest.ko || dusk_fail "insmod"
rm -f /tmp/kclient.ready
dusk-kclient pernet >/tmp/client.out 2>&1 &
client=$!
i=0
while [ ! -e /tmp/kclient.ready ]; do
	i=$((i + 1)); [ $i -lt 100 ] || { cat /tmp/client.out; dusk_fail "client not ready"; }
	sleep 0.1
done
cat /tmp/client.out
grep -q '^FAIL' /tmp/client.out && dusk_fail "client checks"
n=$(awk '$1 == "undo" { print $2 }' $S)
[ "$n" = 3 ] || { cat $S; dusk_fail "undo records: $n, want 3"; }
ip netns add n1 || dusk_fail "netns with the program's pernet_operations"
dusk_pass "three registrations recorded; a netns runs through them"
kill -9 $client; wait $client 2>/dev/null
i=0
until grep -q '^session none' $S; do
	i=$((i + 1)); [ $i -lt 100 ] || { cat $S; dusk_fail "session not torn down"; }
	sleep 0.1
done
grep -q '^undo 0' $S || { cat $S; dusk_fail "undo records left"; }
rmmod dusk_ktest || dusk_fail "rmmod"
ip netns add n2 || dusk_fail "netns after teardown"
ip link add v0 type veth peer name v1 || dusk_fail "device after teardown"
ip link del v0
ip netns del n1
ip netns del n2
sleep 1
dusk_pass "after SIGKILL and rmmod: netns and devices come and go"
dusk_dmesg_clean pernet
