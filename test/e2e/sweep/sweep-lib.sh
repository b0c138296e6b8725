# Guest helper of the sweep tests (samples.sh, e2e.sh; vm-run -f copies it
# to /dusk/files/sweep-lib.sh).

# sweep_module NAME SCENARIO SECONDS [PARAM...]: run `dusk-run --fail-sweep`
# on NAME's user build with SCENARIO (--timeout SECONDS), its output shown
# and kept in /tmp/NAME.out; fail, with the log tail of each run that was
# not clean, unless every run was clean, the kmod is gone and the kernel log
# is clean.
sweep_module() {
	name=$1 scen=$2 secs=$3
	shift 3
	echo "== sweep of $name"
	dusk-run --kmod "/dusk/mod/dusk_$name.ko" --fail-sweep --scenario "$scen" \
		--timeout "$secs" --logs "/tmp/sweep-$name" "/dusk/bin/$name" "$@" >"/tmp/$name.out" 2>&1
	rc=$?
	cat "/tmp/$name.out"
	if [ $rc != 0 ]; then
		for l in $(sed -n 's/.*\[log \(.*\)\]$/\1/p' "/tmp/$name.out"); do
			echo "--- $l"
			tail -n 30 "$l"
		done
		dusk_fail "the sweep of $name ended with status $rc"
	fi
	[ ! -d "/sys/module/dusk_$name" ] || dusk_fail "dusk_$name stayed loaded"
	dusk_dmesg_clean "sweep of $name"
}
