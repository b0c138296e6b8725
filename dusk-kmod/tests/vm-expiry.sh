#!/bin/sh
# Guest script: async upcalls do not delay packet expiry.  The program never
# answers its hook's packets but keeps its timer firing (an async upcall
# about every 100 ms, each raised while packets wait).  Each packet must
# still be released by the fail-open policy nf_timeout_ms after it was
# stolen: if an async upcall pushed the expiry work back (mod_delayed_work),
# the stream would hold every packet until the program stopped.
. /dusk/lib.sh
S=/sys/kernel/debug/dusk_ktest/stats
stat() { awk -v k="$1" '$1 == k { print $2 }' $S; }
insmod /dusk/mod/dusk_ktest.ko nf_timeout_ms=1000 || dusk_fail "insmod"
rm -f /tmp/kclient.ready
dusk-kclient timer-stream 30 >/tmp/client.out 2>&1 &
client=$!
i=0
while [ ! -e /tmp/kclient.ready ]; do
	i=$((i + 1)); [ $i -lt 100 ] || { cat /tmp/client.out; dusk_fail "client not ready"; }
	sleep 0.1
done
sleep 1
# Echo request and echo reply each wait nf_timeout_ms in LOCAL_IN: ~2 s a round trip.
t0=$(date +%s)
ping -c 3 -i 0.5 -w 12 127.0.0.1 >/tmp/ping.out 2>&1
t1=$(date +%s)
up=$(stat upcalls); to=$(stat timeouts); acc=$(stat policy_accept)
kill $client; wait $client
cat /tmp/client.out
grep -q '^FAIL' /tmp/client.out && dusk_fail "client checks"
grep -qE ' 3 (packets )?received' /tmp/ping.out || { cat /tmp/ping.out; dusk_fail "packets held back by the timer stream"; }
[ $((t1 - t0)) -le 8 ] || dusk_fail "3 pings took $((t1 - t0)) s (expected about 3 s)"
max=$(sed -n 's|.*min/avg/max = [0-9.]*/[0-9.]*/\([0-9]*\).*|\1|p' /tmp/ping.out)
[ "${max:-99999}" -le 3500 ] || dusk_fail "a round trip took ${max:-?} ms, expected 2 x nf_timeout_ms"
[ "$acc" -ge 6 ] || dusk_fail "policy_accept $acc, expected the 6 packets"
ticks=$(awk '$1 == "ticks" { print $2 }' /tmp/client.out)
[ "${ticks:-0}" -ge 20 ] || dusk_fail "only ${ticks:-0} timer upcalls: no stream"
dusk_pass "3 pings released on time under $ticks timer upcalls ($to timeouts, $up upcalls)"
rmmod dusk_ktest || dusk_fail "rmmod"
dusk_dmesg_clean expiry
