# Shell helpers of the VM benchmarks' host scripts (bench/pkt/run-pkt,
# bench/relay/run-relay).  Their guests print one line a measurement,
#   TAG ROUND VARIANT FIELD VALUE FIELD VALUE ...
# which these summarize; "-" stands for a value that does not apply.

# bench_stat FILE TAG VARIANT FIELD: the median of FIELD over the rounds,
# with its spread: "med (min-max)"; "-" when there is none.
bench_stat() {
	awk -v t="$2" -v v="$3" -v f="$4" '$1 == t && $3 == v {
		for (i = 4; i < NF; i += 2) if ($i == f) x[n++] = $(i + 1) }
	END {
		if (!n || x[0] == "-") { print "-"; exit }
		for (i = 0; i < n; i++) for (j = i + 1; j < n; j++) if (x[j] + 0 < x[i] + 0) { t = x[i]; x[i] = x[j]; x[j] = t }
		m = n % 2 ? x[int(n / 2)] : (x[n / 2 - 1] + x[n / 2]) / 2
		printf "%g (%g-%g)\n", m, x[0], x[n - 1] }' "$1"
}

# bench_ratio A B: A / B to two places; "-" when either is missing.
bench_ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b + 0 == 0) print "-"; else printf "%.2f", a / b }'
}

# bench_doc_drop DOC HEADING: remove the section that starts with HEADING
# (a line beginning with it) from DOC, up to the next "## " heading, so a
# run replaces its previous results.
bench_doc_drop() {
	awk -v h="$2" 'index($0, h) == 1 { skip = 1; next } skip && /^## / { skip = 0 } !skip' \
		"$1" >"$1.tmp" && mv "$1.tmp" "$1"
}
