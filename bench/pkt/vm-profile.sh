#!/bin/sh
# Guest side of bench/pkt/profile-pkt: instructions per packet of the
# program's path from its wake-up to its verdict, counted by callgrind
# (deterministic, unlike the times of a TCG guest on a shared host).
#
#   vm-profile.sh PACKETS RATE
#
# PACKETS UDP packets at RATE/s from netns a to b through the router, once
# through each program under callgrind:
#   user-O2  lwfw's user build as the benchmark runs it (bench/lwfw);
#   user-O0  the same built with dusk-build's default flags (debugging);
#   nfq      nfq-lwfw, the NFQUEUE program of the same rule.
# Only the packet path is counted (--toggle-collect): the user build's
# packet thread reading and serving (pkt_read), nfq-lwfw's receive and
# callback run.  One line per program:
#   prof 1 VARIANT packets N instr I instr_pkt P
# With DUSK_PROFILE_DUMP=1 (vm-run -e) the user-O2 profile itself follows,
# each line of callgrind's output prefixed "cg " (profile-pkt annotates it).
. /dusk/lib.sh
. /dusk/files/rounds.sh
WAIT_TENTHS=1200	# programs under callgrind start slowly
packets=${1:-100} rate=${2:-20}
secs=$(( (packets + rate - 1) / rate ))
port=9000

dusk_netns_pair
for m in nfnetlink nfnetlink_queue; do
	insmod /dusk/mod/$m.ko 2>/dev/null || true
done
bench_flow 1 100	# ARP, route cache

vg="valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.out"
# One program: VARIANT, then the command line, under callgrind.
profile() {
	v=$1
	shift
	rm -f /tmp/cg.out
	: >/tmp/prog.log
	$vg "$@" >/tmp/prog.log 2>&1 &
	prog=$!
	case $v in
	nfq) bench_wait_line ready /tmp/prog.log "$WAIT_TENTHS" ;;
	*) bench_wait_line "^dusk: lwfw: running" /tmp/prog.log "$WAIT_TENTHS" ;;
	esac
	bench_flow "$secs" "$rate"
	kill -INT $prog
	wait $prog || { cat /tmp/prog.log; dusk_fail "$v under callgrind"; }
	ir=$(awk '$1 == "summary:" { print $2 }' /tmp/cg.out)
	echo "prof 1 $v packets $rx instr $ir instr_pkt $(awk -v i="$ir" -v n="$rx" 'BEGIN { printf "%.0f", n ? i / n : 0 }')"
	[ "${DUSK_PROFILE_DUMP:-0}" = 1 ] && [ $v = user-O2 ] && sed 's/^/cg /' /tmp/cg.out
	return 0
}
for v in user-O2 user-O0; do
	insmod /dusk/mod/dusk_lwfw.ko nf_timeout_ms=60000 || dusk_fail "insmod dusk_lwfw"
	bin=/dusk/bin/lwfw
	[ $v = user-O2 ] || bin=/dusk/bin/lwfw-O0
	profile $v --toggle-collect=pkt_read $bin deny_port=7
	rmmod dusk_lwfw
done
insmod /dusk/mod/nfq_steer.ko || dusk_fail "insmod nfq_steer"
profile nfq --toggle-collect=mnl_socket_recvfrom --toggle-collect=mnl_cb_run nfq-lwfw 7
rmmod nfq_steer
