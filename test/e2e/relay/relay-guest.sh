# Guest half of what the relay's VM tests and benchmark share (sh; copied
# to /dusk/files/relay-guest.sh and sourced after /dusk/lib.sh).
#
#   relay_serve MODULE [NETNS]   start dusk-relay for MODULE with the
#                                host's key (in NETNS if given), wait
#                                until it serves; $relay is its pid, its
#                                log /tmp/relay.log
#   wait_for WHAT CMD...         until CMD succeeds (LIMIT s)
#   logged TEXT                  the kernel log holds TEXT
#   lwfw_verdicts                lwfw's deny_port=5001 scenario (the
#                                sinks of samples' guest-lib.sh running)

LIMIT=${LIMIT:-240}	# seconds for one step of the host

wait_for() {
	what=$1
	shift
	i=0
	until "$@"; do
		i=$((i + 1))
		[ $i -le $((LIMIT * 10)) ] || dusk_fail "timed out waiting for $what"
		sleep 0.1
	done
}
logged() { dmesg | grep -q "$1"; }

relay_serve() { # MODULE [NETNS]
	dusk-relay --module "$1" --key /dusk/files/key ${2:+--netns /run/netns/$2} >/tmp/relay.log 2>&1 &
	relay=$!
	wait_for "the relay" grep -q "serving module $1" /tmp/relay.log
}

# lwfw's verdicts with deny_port=5001 (samples/lwfw/test.sh's scenario).
lwfw_verdicts() {
	samples_tcp_blocked a 10.0.2.2 5001
	samples_tcp_ok a b 10.0.2.2 5002 'hello\n'
	samples_udp a b 10.0.2.2 5001 3 0
	samples_udp a b 10.0.2.2 5002 3 3
}
