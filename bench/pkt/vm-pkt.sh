#!/bin/sh
# Guest side of the packet-path benchmark (bench/pkt/run-pkt boots it).
#
#   vm-pkt.sh ROUNDS FLOOD_S LAT_S LAT_RATE [BUSY_US]
#
# A UDP flood from netns a to netns b through the root namespace's router
# (64-byte payloads), in four variants, alternated in every round (the
# order rotates, so none always runs first on a warm or cold guest):
#   none  no module;
#   ko    lwfw.ko deny_port=7 (a rule that matches nothing);
#   user  lwfw's user build, same parameter, its kmod fail_closed=1;
#   nfq   nfq_steer.ko + nfq-lwfw 7, the same rule as an NFQUEUE program;
#   userbp, nfqbp  the user build with DUSK_BUSY_POLL_US=BUSY_US and the
#         NFQUEUE program polling as long (nfq-lwfw 7 BUSY_US): each
#         receives without blocking for that long before it sleeps.
# Under overload every variant drops what it cannot handle (DUSK's kmod is
# loaded fail-closed; NFQUEUE without fail-open drops on a full queue), so
# the sink counts what went through the module.  Each variant is measured
# twice: flooded (FLOOD_S s: delivered pps, CPU) and paced (LAT_S s at
# LAT_RATE packets/s: one-way latency without queueing).  One line per
# measurement:
#   pkt ROUND VARIANT pps P lat_med_us M lat_p99_us Q cpu_us_pkt C
#       prog_us_pkt G prog_user_us_pkt U rt_pkt R
# (cpu: all CPUs' busy time over the flood per delivered packet; prog: the
# program's own CPU time per packet, U its user-mode part; rt: datagrams the program sent to the
# kmod per upcall, from the kmod's counters; "-" where it does not apply).
# Then two flows at once (two senders, one pinned to each vCPU, so the
# router's hook runs on both): the user build serving them one after the
# other (DUSK_LANES=1) and in parallel (DUSK_LANES=2, lanes.c), and the
# NFQUEUE program with its one queue, alternated the same way:
#   flows ROUND VARIANT pps P rt_pkt R
# Then the kernel-call benchmark (call/read: nested in a packet's hook;
# init_*: from module_init):
#   kcall ROUND call_ns X read_ns Y init_call_ns X2 init_read_ns Y2 nlecho_ns Z
. /dusk/lib.sh
. /dusk/files/rounds.sh
rounds=${1:-3} flood=${2:-3} lat=${3:-2} rate=${4:-100} busy_us=${5:-20000}
port=9000

dusk_netns_pair
for m in nfnetlink nfnetlink_queue; do
	insmod /dusk/mod/$m.ko 2>/dev/null || true
done

busy() { # all CPUs' busy time, USER_HZ ticks
	awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat
}
ptime() { # utime+stime of PID, USER_HZ ticks
	awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0
}
putime() { # utime of PID (all threads), USER_HZ ticks
	awk '{ print $14 }' "/proc/$1/stat" 2>/dev/null || echo 0
}
stat_of() { # NAME: a counter of dusk_lwfw
	awk -v k="$1" '$1 == k { print $2 }' /sys/kernel/debug/dusk_lwfw/stats
}

# One measurement: SECONDS RATE -> sets rx, pps, lmed, lp99
measure() { bench_flow "$@"; }

# Two flows for SECONDS, one sender pinned to each vCPU -> sets rx, pps
measure2() {
	: >/tmp/sink.out
	dusk_in b pktflood sink $port "$1" >/tmp/sink.out 2>&1 &
	sink=$!
	bench_wait_line ready /tmp/sink.out
	dusk_in a taskset -c 0 pktflood send 10.0.2.2 $port "$1" 0 >/tmp/send0.out 2>&1 &
	s0=$!
	dusk_in a taskset -c 1 pktflood send 10.0.2.2 $port "$1" 0 >/tmp/send1.out 2>&1
	wait $s0
	wait $sink
	set -- $(grep '^rx ' /tmp/sink.out)
	rx=$2 pps=$4
}

prog=
load() {
	prog=
	case $1 in
	none) ;;
	ko) insmod /dusk/mod/lwfw.ko deny_port=7 || dusk_fail "insmod lwfw" ;;
	user|user1|user2|userbp)
		lanes=2 bp=0
		[ "$1" != user1 ] || lanes=1
		[ "$1" != userbp ] || bp=$busy_us
		insmod /dusk/mod/dusk_lwfw.ko fail_closed=1 || dusk_fail "insmod dusk_lwfw"
		: >/tmp/user.log
		DUSK_BUSY_POLL_US=$bp DUSK_LANES=$lanes /dusk/bin/lwfw deny_port=7 >/tmp/user.log 2>&1 &
		prog=$!
		bench_wait_line "^dusk: lwfw: running" /tmp/user.log ;;
	nfq|nfqbp)
		bp=
		[ "$1" != nfqbp ] || bp=$busy_us
		insmod /dusk/mod/nfq_steer.ko || dusk_fail "insmod nfq_steer"
		: >/tmp/nfq.log
		nfq-lwfw 7 $bp >/tmp/nfq.log 2>&1 &
		prog=$!
		bench_wait_line ready /tmp/nfq.log ;;
	esac
}
unload() {
	case $1 in
	ko) rmmod lwfw ;;
	user|user1|user2|userbp)
		kill -INT $prog; wait $prog || { cat /tmp/user.log; dusk_fail "lwfw user build"; }
		rmmod dusk_lwfw ;;
	nfq|nfqbp)
		kill -INT $prog; wait $prog || { cat /tmp/nfq.log; dusk_fail "nfq-lwfw"; }
		rmmod nfq_steer ;;
	esac
}

# Warm up the path (ARP, route cache) once.
measure 1 100 >/dev/null

# One measurement of variant $v in round $r (bench_rounds).
pkt_round() {
	load $v
	up0=0 dg0=0
	case $v in user*) up0=$(stat_of upcalls); dg0=$(stat_of datagrams) ;; esac
	b0=$(busy)
	p0=0 u0=0; [ -z "$prog" ] || { p0=$(ptime $prog); u0=$(putime $prog); }
	measure "$flood" 0
	b1=$(busy)
	p1=0 u1=0; [ -z "$prog" ] || { p1=$(ptime $prog); u1=$(putime $prog); }
	frx=$rx fpps=$pps
	rt=-
	case $v in user*)
		up=$(($(stat_of upcalls) - up0))
		dg=$(($(stat_of datagrams) - dg0))
		rt=$(awk -v d=$dg -v u=$up 'BEGIN { printf "%.3f", u ? d / u : 0 }') ;;
	esac
	measure "$lat" "$rate"
	cpu=$(awk -v b=$((b1 - b0)) -v n=$frx 'BEGIN { printf "%.1f", n ? b * 10000 / n : 0 }')
	pcpu=- ucpu=-
	[ -z "$prog" ] || pcpu=$(awk -v b=$((p1 - p0)) -v n=$frx \
		'BEGIN { printf "%.1f", n ? b * 10000 / n : 0 }')
	[ -z "$prog" ] || ucpu=$(awk -v b=$((u1 - u0)) -v n=$frx \
		'BEGIN { printf "%.1f", n ? b * 10000 / n : 0 }')
	echo "pkt $r $v pps $fpps lat_med_us $lmed lat_p99_us $lp99 cpu_us_pkt $cpu prog_us_pkt $pcpu prog_user_us_pkt $ucpu rt_pkt $rt"
	unload $v
}
bench_rounds "$rounds" pkt_round none ko user nfq userbp nfqbp

# Two flows: one measurement of variant $v in round $r.
flows_round() {
	load $v
	up0=0 dg0=0
	case $v in user*) up0=$(stat_of upcalls); dg0=$(stat_of datagrams) ;; esac
	measure2 "$flood"
	rt=-
	case $v in user*)
		up=$(($(stat_of upcalls) - up0))
		dg=$(($(stat_of datagrams) - dg0))
		rt=$(awk -v d=$dg -v u=$up 'BEGIN { printf "%.3f", u ? d / u : 0 }') ;;
	esac
	echo "flows $r $v pps $pps rt_pkt $rt"
	unload $v
}
bench_rounds "$rounds" flows_round user1 user2 nfq

# Kernel calls: the user build of kcall (from module_init, and nested in a
# packet's hook), against the bare genetlink echo, alternated too.
r=1
while [ $r -le "$rounds" ]; do
	insmod /dusk/mod/dusk_kcall.ko nf_timeout_ms=60000 || dusk_fail "insmod dusk_kcall"
	: >/tmp/kcall.log
	kcall n=300 >/tmp/kcall.log 2>&1 &
	k=$!
	bench_wait_line "running" /tmp/kcall.log
	dusk_in a pktflood send 10.0.2.2 $port 0.05 20 >/dev/null
	bench_wait_line "hook call_ns" /tmp/kcall.log
	kill -INT $k; wait $k
	rmmod dusk_kcall
	set -- $(grep -o 'init call_ns [0-9]* read_ns [0-9-]*' /tmp/kcall.log)
	ic=$3 ir=$5
	set -- $(grep -o 'hook call_ns [0-9]* read_ns [0-9-]*' /tmp/kcall.log)
	hc=$3 hr=$5
	set -- $(nlecho nlctrl 3000)
	echo "kcall $r call_ns $hc read_ns $hr init_call_ns $ic init_read_ns $ir nlecho_ns $2"
	r=$((r + 1))
done
dusk_dmesg_clean pkt-bench
