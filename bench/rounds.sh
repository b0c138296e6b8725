# Guest side of the VM benchmarks (bench/pkt/vm-pkt.sh,
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
