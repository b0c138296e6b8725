# Guest side of the VM benchmarks (bench/pkt/vm-*.sh,
# bench/relay/vm-relay.sh): their host scripts ship it as
# /dusk/files/rounds.sh.
#
# bench_rounds ROUNDS FN VARIANT...: run FN once for every variant in every
# round, with r (the round, from 1) and v (the variant) set.  The order
# rotates by one each round, so that no variant always runs first on a
# warm or cold guest.
bench_rounds() {
	_rounds=$1 _fn=$2
	shift 2
	r=1
	while [ "$r" -le "$_rounds" ]; do
		_first=$1
		shift
		set -- "$@" "$_first"
		for v in "$@"; do
			"$_fn"
		done
		r=$((r + 1))
	done
}

# bench_wait_line PATTERN FILE [TENTHS]: until FILE has a line matching
# PATTERN, for TENTHS tenths of a second (default 300; a program under
# callgrind wants more).
bench_wait_line() {
	_i=0
	until grep -q "$1" "$2"; do
		_i=$((_i + 1))
		[ $_i -le "${3:-300}" ] || { cat "$2"; dusk_fail "waiting for '$1' in $2"; }
		sleep 0.1
	done
}

# bench_flow SECONDS RATE: UDP from netns a to b through the router, to
# port $port, for SECONDS at RATE/s (0: as fast as it goes); sets what the
# sink counted: rx packets, pps, and the one-way latency's median and p99
# (lmed, lp99, us).
bench_flow() {
	: >/tmp/sink.out
	dusk_in b pktflood sink "$port" "$1" >/tmp/sink.out 2>&1 &
	_sink=$!
	bench_wait_line ready /tmp/sink.out "${WAIT_TENTHS:-300}"
	dusk_in a pktflood send 10.0.2.2 "$port" "$1" "$2" >/tmp/send.out 2>&1
	wait $_sink
	# shellcheck disable=SC2046
	set -- $(grep '^rx ' /tmp/sink.out)
	rx=$2 pps=$4 lmed=$6 lp99=$8
}
