#!/bin/sh
# Guest script: nobody but the bound program receives upcalls.  Upcalls
# carry kernel pointers and other users' packets; netlink frees a dying
# program's port before the kmod hears of it, so an unprivileged user who
# binds that port number at once must still receive nothing -- under a
# packet flood (hook upcalls) and under looping readers (blocking upcalls).
. /dusk/lib.sh
insmod /dusk/mod/dusk_ktest.ko nf_timeout_ms=300 block_timeout_ms=2000 || dusk_fail "insmod"

start_client() { # ARGS...
	rm -f /tmp/kclient.ready
	dusk-kclient "$@" >/tmp/client.out 2>&1 &
	client=$!
	i=0
	while [ ! -s /tmp/kclient.ready ]; do
		i=$((i + 1)); [ $i -lt 100 ] || { cat /tmp/client.out; dusk_fail "client not ready"; }
		sleep 0.1
	done
	port=$(cat /tmp/kclient.ready)
}

# take_over WHAT: kill the program while upcalls flow; a snooper as uid
# 65534 binds its port the moment it is free and listens for 3 s.
take_over() {
	dusk-kclient snoop "$port" 3 >/tmp/snoop.out 2>&1 &
	snooper=$!
	sleep 0.5
	kill -9 $client; wait $client 2>/dev/null
	wait $snooper || { cat /tmp/snoop.out; dusk_fail "snooper failed"; }
	grep -q '^bound 1' /tmp/snoop.out || { cat /tmp/snoop.out; dusk_fail "$1: snooper never got port $port"; }
	grep -q '^snooped 0$' /tmp/snoop.out || { cat /tmp/snoop.out; dusk_fail "$1: upcalls reached the dead program's port"; }
}

for round in 1 2 3; do
	start_client hook accept
	ping -f -q -w 5 127.0.0.1 >/dev/null 2>&1 &
	pinger=$!
	take_over "packets, round $round"
	kill $pinger 2>/dev/null; wait $pinger 2>/dev/null
done
dusk_pass "hook upcalls: a new owner of the dead program's port receives nothing (3 rounds)"

for round in 1 2 3; do
	start_client proc
	( end=$(($(date +%s) + 5)); while [ "$(date +%s)" -lt $end ]; do
		cat /proc/dusk_ktest >/dev/null 2>&1; done ) &
	reader=$!
	take_over "reads, round $round"
	kill $reader 2>/dev/null; wait $reader 2>/dev/null
done
dusk_pass "blocking upcalls: a new owner of the dead program's port receives nothing (3 rounds)"
rmmod dusk_ktest || dusk_fail "rmmod"
dusk_dmesg_clean takeover
