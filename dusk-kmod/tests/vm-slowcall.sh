#!/bin/sh
# Guest script: a nested call pins its packet.  The program runs a nested
# call on a stolen packet's sk_buff that outlasts nf_timeout_ms; expiry must
# not resume (and free) the packet under it: the stub reads the sk_buff
# again at its end.  The packet is resumed by the policy once the call is
# done, and the program's late REPLY finds it expired.
. /dusk/lib.sh
S=/sys/kernel/debug/dusk_ktest/stats
stat() { awk -v k="$1" '$1 == k { print $2 }' $S; }
insmod /dusk/mod/dusk_ktest.ko nf_timeout_ms=300 || dusk_fail "insmod"
rm -f /tmp/kclient.ready
dusk-kclient hook-slow 1500 >/tmp/client.out 2>&1 &
client=$!
i=0
while [ ! -e /tmp/kclient.ready ]; do
	i=$((i + 1)); [ $i -lt 100 ] || { cat /tmp/client.out; dusk_fail "client not ready"; }
	sleep 0.1
done
ping -c 1 -W 10 127.0.0.1 >/tmp/ping.out 2>&1 || { cat /tmp/ping.out; dusk_fail "the ping was lost"; }
dusk_pass "the packet went on by the policy after the nested call"
wait $client
rc=$?
cat /tmp/client.out
[ $rc = 0 ] || dusk_fail "client checks"
[ "$(stat timeouts)" -ge 1 ] || dusk_fail "no timeout counted"
dusk_pass "the expired packet was counted ($(stat timeouts) timeouts)"
rmmod dusk_ktest || dusk_fail "rmmod"
dusk_dmesg_clean slowcall
