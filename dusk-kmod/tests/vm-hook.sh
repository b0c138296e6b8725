#!/bin/sh
# Guest script: a LOCAL_IN hook run by the program.  Real ICMP packets to
# 127.0.0.1 are stolen, sent up, and resumed with the program's verdict:
# "drop" makes ping fail, "accept" makes it work, "repeat" re-runs the
# hook on the same packet.  BYE undoes the hook.
. /dusk/lib.sh
insmod /dusk/mod/dusk_ktest.ko || dusk_fail "insmod"

start_client() { # VERDICT [WHERE]
	rm -f /tmp/kclient.ready
	dusk-kclient hook "$1" 0 "${2:-in4}" >/tmp/client.out 2>&1 &
	client=$!
	i=0
	while [ ! -e /tmp/kclient.ready ]; do
		i=$((i + 1)); [ $i -lt 100 ] || { cat /tmp/client.out; dusk_fail "client not ready"; }
		sleep 0.1
	done
}
stop_client() {
	kill -TERM $client
	wait $client || { cat /tmp/client.out; dusk_fail "client failed"; }
	cat /tmp/client.out
}

start_client drop
if ping -c 3 -W 1 127.0.0.1 >/dev/null 2>&1; then
	stop_client; dusk_fail "ping passed a hook that drops ICMP"
fi
dusk_pass "program verdict DROP: ping fails"
stop_client
grep -q '^handled [3-9]' /tmp/client.out || grep -q '^handled [1-9][0-9]' /tmp/client.out ||
	dusk_fail "client did not see the 3 pings"
grep -q 'ok: WRITE into the lent packet data' /tmp/client.out || dusk_fail "lent write"
ping -c 2 -W 1 127.0.0.1 >/dev/null || dusk_fail "ping fails after the hook's BYE"
dusk_pass "hook gone after BYE"

start_client accept
ping -c 3 -W 1 127.0.0.1 >/dev/null || { stop_client; dusk_fail "ping blocked by an accepting hook"; }
dusk_pass "program verdict ACCEPT: ping works"
stop_client
start_client repeat
ping -c 3 -W 1 127.0.0.1 >/dev/null || { stop_client; dusk_fail "ping after REPEAT verdicts"; }
stop_client
grep -Eq 'repeated ([3-9]|[1-9][0-9])' /tmp/client.out || dusk_fail "REPEAT did not re-run the hook"
dusk_pass "program verdict REPEAT: the hook runs again on the same packet, then ACCEPT"
# STOLEN: the module keeps the packet (and frees it); QUEUE with no
# NFQUEUE listener drops, unless the bypass flag lets traversal go on.
for verdict in stolen queue; do
	start_client $verdict
	ping -c 2 -W 1 127.0.0.1 >/dev/null 2>&1 && { stop_client; dusk_fail "$verdict let ping pass"; }
	stop_client
done
start_client queue-bypass
ping -c 2 -W 1 127.0.0.1 >/dev/null || { stop_client; dusk_fail "QUEUE with bypass blocked ping"; }
stop_client
dusk_pass "verdicts STOLEN, QUEUE (no listener) and QUEUE|BYPASS resumed as nf_reinject does"

# LOCAL_OUT: the route key is saved and nf_reroute runs on ACCEPT.
start_client drop out4
ping -c 2 -W 1 127.0.0.1 >/dev/null 2>&1 && { stop_client; dusk_fail "LOCAL_OUT drop let ping pass"; }
stop_client
start_client accept out4
ping -c 2 -W 1 127.0.0.1 >/dev/null || { stop_client; dusk_fail "LOCAL_OUT accept blocked ping"; }
# TCP: stolen segments carry their socket (state->sk, referenced).
nc -l -p 5000 >/tmp/tcp.out 2>/dev/null &
listener=$!
sleep 0.3
echo "through the program" | nc -w 2 127.0.0.1 5000 >/dev/null 2>&1
wait $listener
stop_client
[ "$(cat /tmp/tcp.out)" = "through the program" ] || dusk_fail "TCP through a LOCAL_OUT hook: '$(cat /tmp/tcp.out)'"
grep -Eq '^handled ([1-9][0-9])' /tmp/client.out || dusk_fail "TCP segments did not go through the program"
dusk_pass "LOCAL_OUT hook: DROP and ACCEPT (reroute) work, TCP flows through it"

# IPv6: hooks_ipv6, the IPv6 route key.
if ping -6 -c 1 -W 1 ::1 >/dev/null 2>&1; then
	for where in in6 out6; do
		start_client drop $where
		ping -6 -c 2 -W 1 ::1 >/dev/null 2>&1 && { stop_client; dusk_fail "$where drop let ping6 pass"; }
		stop_client
		start_client accept $where
		ping -6 -c 2 -W 1 ::1 >/dev/null || { stop_client; dusk_fail "$where accept blocked ping6"; }
		stop_client
	done
	dusk_pass "IPv6 LOCAL_IN and LOCAL_OUT hooks: DROP and ACCEPT work"
else
	dusk_fail "no IPv6 on lo in the guest"
fi
cat /sys/kernel/debug/dusk_ktest/stats
grep -q '^replies [1-9]' /sys/kernel/debug/dusk_ktest/stats || dusk_fail "replies not counted"
rmmod dusk_ktest || dusk_fail "rmmod"
dusk_dmesg_clean hook
