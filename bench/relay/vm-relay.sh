#!/bin/sh
# Guest side of the round-trip benchmark (bench/relay/run-relay boots it
# and is the host side).
#
#   vm-relay.sh ROUNDS N
#
# dusk_rtt.ko and dusk-relay run here; the user build of bench/relay/rtt
# times N round trips of a kernel CALL (and N of a CALL with an 8-byte
# READ) in module_init, in three variants, alternated in every round (the
# order rotates, so none always runs first):
#   genl  the program here, local generic netlink (the usual way);
#   tcp   the program on the host, TCP through QEMU's port forward to
#         dusk-relay here (run-relay runs it on "MARK tcp ROUND");
#   lo    the program here, TCP to dusk-relay over the loopback: the
#         relay's own cost without QEMU's network.
# One line per measurement (tcp's the host writes):
#   rtt ROUND VARIANT call_med_ns A call_p99_ns B callread_med_ns C callread_p99_ns D
# The NIC stays in init_net: rtt registers no hook the relay's own
# traffic could pass through.
. /dusk/lib.sh
LIMIT=120	# seconds for one step (relay-guest.sh's wait_for)
. /dusk/files/relay-guest.sh
. /dusk/files/rounds.sh
set -u
trap 'echo "--- relay log"; cat /tmp/relay.log' EXIT
rounds=${1:-3} n=${2:-1000}
clients=0	# the relay's clients so far

# session_over: the relay's latest client has left and the kmod has ended
# its session (the next one may start).
left() { [ "$(grep -c ': disconnected:' /tmp/relay.log)" -ge "$clients" ]; }
session_over() {
	wait_for "the relay's client $clients to leave" left
	wait_for "the session's end" test ! -d /sys/module/rtt
}

# here VARIANT [VAR=VALUE...]: run rtt here with that environment.
here() {
	v=$1
	shift
	: >/tmp/rtt.log
	env "$@" rtt n="$n" >/tmp/rtt.log 2>&1 &
	p=$!
	wait_for "rtt's result ($v)" grep -q 'call_med_ns' /tmp/rtt.log
	wait_for "rtt's SIGINT handler ($v)" grep -q ': running;' /tmp/rtt.log
	kill -INT $p
	wait $p || { cat /tmp/rtt.log; dusk_fail "rtt ($v)"; }
	echo "rtt $r $v $(grep -o 'call_med_ns.*' /tmp/rtt.log)"
	wait_for "the session's end" test ! -d /sys/module/rtt
}

dusk_nic_up
insmod /dusk/mod/dusk_rtt.ko || dusk_fail "insmod dusk_rtt.ko"
relay_serve rtt
# One measurement of variant $v in round $r (bench_rounds).
rtt_round() {
	case $v in
	genl) here genl ;;
	lo)
		clients=$((clients + 1))
		here lo DUSK_TARGET=127.0.0.1:7207 DUSK_KEY=/dusk/files/key
		session_over ;;
	tcp)
		clients=$((clients + 1))
		echo "MARK tcp $r"
		session_over ;;
	esac
}
bench_rounds "$rounds" rtt_round genl tcp lo
echo "MARK done"
kill "$relay"
rmmod dusk_rtt || dusk_fail "rmmod dusk_rtt"
dusk_dmesg_clean relay-bench
