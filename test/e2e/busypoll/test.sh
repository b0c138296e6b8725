#!/bin/sh
# Busy polling (DUSK_BUSY_POLL_US, libduskrt/transport-genl.c), in the
# real kernel with lwfw's user build.
#
# With DUSK_BUSY_POLL_US the idle packet thread receives without blocking
# for that long before it sleeps, so packets paced closer than that are
# taken without a wake-up: no thread of the program makes more than a few
# voluntary context switches over 40 packets (a blocking reader makes at
# least one per packet: the test fails so when the variable is unset,
# BUSY_US=0).  The verdicts are the module's as ever (a denied port is
# dropped, another passes), and the program stops promptly while it polls.
#
# Run with: DUSK_MODE=user BUSY_US=N (vm-run -e).
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

busy_us=${BUSY_US:-1000000}
packets=40

# switches PID: "TID N" for each of PID's threads but the main one, N its
# voluntary context switches so far.  (The main thread waits for SIGINT in
# sigtimedwait() and looks at the connection once a second.)
switches() {
	for t in /proc/"$1"/task/*; do
		[ "${t##*/}" != "$1" ] || continue
		echo "${t##*/} $(awk '$1 == "voluntary_ctxt_switches:" { print $2 }' "$t/status")"
	done
}

# most BEFORE AFTER: the most voluntary context switches one thread made
# between the two switches() lists (the packet thread, when it sleeps).
most() {
	printf '%s\n%s\n' "$1" "$2" |
		awk 'seen[$1]++ { d = $2 - n[$1]; if (d > m) m = d; next } { n[$1] = $2 } END { print m + 0 }'
}

dusk_netns_pair
dmesg -c >/dev/null
export DUSK_BUSY_POLL_US=$busy_us
[ "$busy_us" != 0 ] || unset DUSK_BUSY_POLL_US
samples_load lwfw deny_port=7 || dusk_fail "load lwfw's user build"
pid=$(samples_pids lwfw | head -n1)
[ -n "$pid" ] || dusk_fail "no lwfw process"

# send PORT N: N datagrams to b's PORT, one at a time, 50 ms apart at least.
send() {
	i=0
	while [ $i -lt "$2" ]; do
		dusk_in a netprobe udp 10.0.2.2 "$1" 1 hello >/dev/null 2>&1 ||
			dusk_fail "netprobe udp to port $1 failed"
		sleep 0.05
		i=$((i + 1))
	done
}

samples_sink b udp 9000
samples_sink b udp 7
# The path warmed up (ARP, the shadow's first pages), then counted.
send 9000 5
[ "$(samples_wait_received b udp 9000 5)" -ge 5 ] || dusk_fail "warm-up: nothing through lwfw"
v0=$(switches "$pid")
send 9000 $packets
got=$(samples_wait_received b udp 9000 $((packets + 5)))
v1=$(switches "$pid")
[ "$got" -ge $((packets + 5)) ] || dusk_fail "port 9000: $got of $((packets + 5)) packets through"

d=$(most "$v0" "$v1")
echo "most voluntary context switches of one thread over $packets packets: $d"
dusk_pass "port 9000: all packets through"
# A sleeping reader is woken once per packet at least.
[ "$d" -lt $((packets / 4)) ] ||
	dusk_fail "a thread made $d voluntary context switches for $packets packets: the packet thread slept between packets"
dusk_pass "no thread made a voluntary context switch per 4 packets"

# The verdict still applies: port 7 is denied.
send 7 3
sleep 1
[ "$(samples_received b udp 7)" = 0 ] || dusk_fail "port 7 not denied"
dusk_pass "port 7: denied"

samples_stop_sinks
samples_unload_within lwfw 10
samples_logged "lwfw: dropped by port rule: 3"
samples_logged "lwfw: unloaded"
