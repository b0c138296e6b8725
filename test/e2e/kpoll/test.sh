#!/bin/sh
# Real-kernel test of kpoll (guest script, run by test/e2e/difftest in
# both builds: kpoll.ko, then the DUSK user build).
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

ttl=/proc/sys/net/ipv4/ip_default_ttl
echo 64 >$ttl
dmesg -c >/dev/null
# The TTL changes once the module's init polls it (insmod of the .ko
# returns only after that init).
(
	i=0
	until dmesg | grep -q 'kpoll: waiting for ttl 77'; do
		i=$((i + 1))
		[ $i -le 300 ] || exit 1
		sleep 0.1
	done
	sleep 0.3
	echo 77 >$ttl
) &
setter=$!
samples_load kpoll || dusk_fail "load kpoll"
wait $setter || dusk_fail "kpoll's init never waited for the TTL"
samples_unload_within kpoll 20
echo 64 >$ttl
samples_logged "kpoll: jiffies passed the deadline (after spinning)"
samples_logged "kpoll: waiting for ttl 77"
samples_logged "kpoll: default ttl 77"
samples_logged "kpoll: bye"
echo "kpoll: all checks passed"
