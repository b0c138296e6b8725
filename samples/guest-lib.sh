# Helpers shared by the sample tests' guest scripts (samples/*/test.sh).
# vm-run copies this file to /dusk/files/guest-lib.sh; a script sources it
# after /dusk/lib.sh (whose dusk_netns_pair topology the tests use:
# a 10.0.1.2 --ra-- root router --rb-- b 10.0.2.2).
#
# Traffic comes from netprobe (samples/tools/netprobe.c); receivers are
# netprobe sinks whose lines are collected in /tmp/sink.NS.PROTO.PORT.

samples_sinks=''

# samples_in NS CMD...: run CMD in namespace NS; NS "root" is init_net itself
# (traffic sent there is locally generated, not forwarded).
samples_in() {
	if [ "$1" = root ]; then
		shift
		"$@"
	else
		dusk_in "$@"
	fi
}

# samples_load NAME [PARAM...]: load the module under test with PARAMs.
# With DUSK_MODE=user the module is its DUSK user build instead: dusk-run
# loads dusk_NAME.ko and runs /dusk/bin/NAME with the same parameters; the
# load counts as done when the program reports its module_init has returned
# (and as failed, like insmod, when the program exits first).
samples_load() {
	mod=$1
	shift
	if [ "${DUSK_MODE:-kernel}" = user ]; then
		samples_user_start "$mod" "$@"
	else
		insmod "/dusk/mod/$mod.ko" "$@"
	fi
}

samples_user_start() {
	mod=$1
	shift
	log=/tmp/$mod.user.log
	: >"$log"
	# When a check fails, show what the program said (its printk echo,
	# DUSK fault reports): the transcript alone does not tell why.
	trap 'rc=$?; [ $rc = 0 ] || { echo "--- $log"; cat "$log"; }' EXIT
	dusk-run --kmod "/dusk/mod/dusk_$mod.ko" "/dusk/bin/$mod" "$@" >>"$log" 2>&1 &
	samples_user_pid=$!
	i=0
	until grep -q "^dusk: $mod: running" "$log"; do
		if ! kill -0 "$samples_user_pid" 2>/dev/null; then
			wait "$samples_user_pid"
			rc=$?
			echo "$mod user build exited with $rc:" >&2
			cat "$log" >&2
			return 1
		fi
		i=$((i + 1))
		[ $i -le 300 ] || dusk_fail "$mod user build did not start: $(cat "$log")"
		sleep 0.1
	done
}

# samples_wait_log PATTERN FILE SECONDS WHAT: wait until FILE has a line
# matching PATTERN; after SECONDS, fail with WHAT, showing FILE.
samples_wait_log() {
	i=0
	until grep -q "$1" "$2"; do
		i=$((i + 1))
		[ $i -le $(($3 * 10)) ] || { cat "$2"; dusk_fail "$4"; }
		sleep 0.1
	done
}

# samples_pids COMM: the pids of the processes named COMM (the user build's
# program, dusk-run's child, is named after the module).
samples_pids() {
	for d in /proc/[0-9]*; do
		[ "$(cat "$d/comm" 2>/dev/null)" != "$1" ] || echo "${d#/proc/}"
	done
}

# samples_user_state NAME: in the user build, say whether the program is
# still running (a runaway loop shows as state R with a growing utime).
samples_user_state() {
	[ "${DUSK_MODE:-kernel}" = user ] || return 0
	for p in $(samples_pids "$1"); do
		echo "program $p still running: threads in state" \
			"$(sed 's/.*) //; s/ .*//' /proc/"$p"/task/*/stat | tr '\n' ' ')" \
			"(R = on CPU), $(cut -d' ' -f14 "/proc/$p/stat") ticks of user CPU"
	done
}

# samples_unload_within NAME SECONDS [HINT]: samples_unload NAME, except that
# in the user build a module_exit that has not finished after SECONDS is
# reported (with HINT, what that may mean) and the program killed:
# samples_unload waits for the program without a limit.
samples_unload_within() {
	watchdog=''
	if [ "${DUSK_MODE:-kernel}" = user ]; then
		(
			sleep "$2"
			samples_user_state "$1"
			echo "FAIL: $1's module_exit did not finish within ${2}s (killed)${3:+: $3}"
			# shellcheck disable=SC2046
			kill -KILL $(samples_pids "$1")
		) &
		watchdog=$!
	fi
	samples_unload "$1"
	[ -z "$watchdog" ] || kill "$watchdog" 2>/dev/null
}

# samples_uaddr_at NAME PATTERN PERMS: in the user build, the arguments
# that make test/e2e/tools/uaddr's buffer lie where NAME's program maps
# PATTERN with PERMS (its globals, its runtime's code: addresses the program
# uses for its own objects); nothing in the kernel build.
samples_uaddr_at() {
	[ "${DUSK_MODE:-kernel}" = user ] || return 0
	echo "$(samples_pids "$1" | head -n1) $2 $3"
}

# samples_kstat MOD NAME: counter NAME of dusk_MOD.ko's debugfs statistics.
samples_kstat() {
	sed -n "s/^$2 //p" "/sys/kernel/debug/dusk_$1/stats"
}

# samples_user_stop NAME: SIGTERM the user build (module_exit runs), wait
# for it and for dusk-run to unload dusk_NAME.  (Not SIGINT: a shell without
# job control starts background commands with SIGINT ignored.)
samples_user_stop() {
	kill -TERM "$samples_user_pid" 2>/dev/null
	wait "$samples_user_pid"
	rc=$?
	cat "/tmp/$1.user.log" >>/tmp/user-builds.log
	[ $rc -eq 0 ] || { cat "/tmp/$1.user.log"; dusk_fail "$1 user build exited with $rc"; }
	[ ! -d "/sys/module/dusk_$1" ] || dusk_fail "dusk_$1 still loaded after the program ended"
}

# samples_wait_unloaded NAME: dusk-run unloads dusk_NAME within 10 s of
# its program's SIGKILL.
samples_wait_unloaded() {
	i=0
	while lsmod | grep -q "^dusk_$1 "; do
		i=$((i + 1))
		[ $i -le 100 ] || dusk_fail "dusk_$1 still loaded 10 s after SIGKILL"
		sleep 0.1
	done
	dusk_pass "SIGKILL: dusk_$1 unloaded"
}

# samples_wait_unbound MOD SECONDS WHAT: dusk_MOD.ko's session ends within
# SECONDS (its program killed or stopped: the teardown has run); else fail
# with WHAT and the kmod's statistics.
samples_wait_unbound() {
	i=0
	until grep -q '^session none' "/sys/kernel/debug/dusk_$1/stats"; do
		i=$((i + 1))
		[ $i -le $(($2 * 10)) ] ||
			{ cat "/sys/kernel/debug/dusk_$1/stats"; dusk_fail "$3: session still bound ${2}s later"; }
		sleep 0.1
	done
}

# samples_rmmod_within MOD SECONDS WHAT: rmmod dusk_MOD succeeds within
# SECONDS (what the kernel still holds of it may take a moment to go).
samples_rmmod_within() {
	i=0
	until rmmod "dusk_$1" 2>/tmp/rmmod.err; do
		i=$((i + 1))
		[ $i -le $(($2 * 10)) ] || dusk_fail "$3: rmmod dusk_$1: $(cat /tmp/rmmod.err) for ${2}s"
		sleep 0.1
	done
}

# samples_sink NS PROTO PORT: start a sink in NS and wait until it listens.
samples_sink() {
	f=/tmp/sink.$1.$2.$3
	: >"$f"
	samples_in "$1" netprobe sink "$2" "$3" >"$f" 2>&1 &
	samples_sinks="$samples_sinks $!"
	i=0
	until grep -q '^ready' "$f"; do
		i=$((i + 1))
		[ $i -le 50 ] || dusk_fail "sink $2/$3 in $1 did not start: $(cat "$f")"
		sleep 0.1
	done
}

samples_stop_sinks() {
	# shellcheck disable=SC2086
	[ -z "$samples_sinks" ] || kill $samples_sinks 2>/dev/null
	samples_sinks=''
}

# samples_received NS PROTO PORT: messages the sink has received so far.
samples_received() {
	grep -c "^$2 " "/tmp/sink.$1.$2.$3"
}

# samples_wait_received NS PROTO PORT TOTAL: wait until the sink has
# received TOTAL messages in all (at most ~5 s), give extras a moment to
# show up, then print how many it has.
samples_wait_received() {
	i=0
	while [ "$(samples_received "$1" "$2" "$3")" -lt "$4" ] && [ $i -lt 50 ]; do
		i=$((i + 1))
		sleep 0.1
	done
	sleep 0.2
	samples_received "$1" "$2" "$3"
}

# samples_udp FROM_NS TO_NS TO_ADDR PORT COUNT WANT [PAYLOAD]: send COUNT
# datagrams from FROM_NS to a sink in TO_NS, check that WANT arrive.
samples_udp() {
	before=$(samples_received "$2" udp "$4")
	samples_in "$1" netprobe udp "$3" "$4" "$5" "${7:-ping}" ||
		dusk_fail "udp $1 -> $3:$4: could not send"
	# When none may arrive, give a wrongly passed datagram time to show up.
	[ "$6" -gt 0 ] || sleep 1
	after=$(samples_wait_received "$2" udp "$4" $((before + $6)))
	[ $((after - before)) -eq "$6" ] ||
		dusk_fail "udp $1 -> $3:$4: $((after - before)) of $5 datagrams arrived, want $6"
	dusk_pass "udp $1 -> $3:$4: $6 of $5 datagrams arrived"
}

# samples_tcp_ok FROM_NS TO_NS TO_ADDR PORT PAYLOAD...: the connection to a
# sink in TO_NS succeeds and the sink receives the payload.
samples_tcp_ok() {
	from=$1 to=$2 addr=$3 port=$4
	shift 4
	before=$(samples_received "$to" tcp "$port")
	samples_in "$from" netprobe tcp "$addr" "$port" "$@" ||
		dusk_fail "tcp $from -> $addr:$port: connection failed"
	after=$(samples_wait_received "$to" tcp "$port" $((before + 1)))
	[ $((after - before)) -eq 1 ] ||
		dusk_fail "tcp $from -> $addr:$port: the sink saw $((after - before)) connections"
	dusk_pass "tcp $from -> $addr:$port: connected and delivered"
}

# samples_tcp_blocked FROM_NS ADDR PORT: the connection attempt fails
# (netprobe sends exactly two SYNs before it gives up).
samples_tcp_blocked() {
	if samples_in "$1" netprobe tcp "$2" "$3" blocked 2>/dev/null; then
		dusk_fail "tcp $1 -> $2:$3: connected, want blocked"
	fi
	dusk_pass "tcp $1 -> $2:$3: blocked"
}

# samples_unload MODULE: unload it, check the kernel log is clean, and keep
# what the module logged in $samples_log (the log is cleared for the next
# phase, after dusk_dmesg_clean has seen it).
samples_unload() {
	if [ "${DUSK_MODE:-kernel}" = user ]; then
		samples_user_stop "$1"
	else
		rmmod "$1" || dusk_fail "rmmod $1"
	fi
	dusk_dmesg_clean "$1"
	# The module's own lines; not the loader's taint notes, which name
	# whichever module was loaded first (NAME.ko or dusk_NAME.ko).
	samples_log=$(dmesg | sed 's/^\[[^]]*\] //' | grep "^$1: " |
		grep -v -e 'loading out-of-tree module taints kernel' \
			-e 'module verification failed')
	dmesg -c >/dev/null
	# Part of the output, so a differential run compares the printk lines too.
	printf '%s\n' "$samples_log" | sed 's/^/printk: /'
}

# samples_logged LINE: the module logged exactly LINE ("lwfw: ...").
samples_logged() {
	if ! printf '%s\n' "$samples_log" | grep -qxF "$1"; then
		echo "module log was:"
		printf '%s\n' "$samples_log"
		dusk_fail "expected kernel log line '$1'"
	fi
	dusk_pass "logged '$1'"
}

# samples_block_direct DEV LIMIT: 64 KiB of a known pattern written to
# block device DEV at 64 KiB and read back, both with direct I/O (requests
# of many segments, in neighbouring pages or not); each dd within LIMIT
# seconds.  Prints the data's md5 sum, so both builds' transcripts show it.
samples_block_direct() {
	i=0
	: >/tmp/blk.big
	while [ $i -lt 1024 ]; do
		printf '%-63s\n' "line $i of the direct write test, 64 bytes each" >>/tmp/blk.big
		i=$((i + 1))
	done
	timeout "$2" dd if=/tmp/blk.big of="$1" bs=64k seek=1 oflag=direct 2>/dev/null ||
		dusk_fail "direct write to $1 did not return"
	timeout "$2" dd if="$1" of=/tmp/blk.back bs=64k skip=1 count=1 iflag=direct 2>/dev/null ||
		dusk_fail "direct read of $1 did not return"
	cmp -s /tmp/blk.big /tmp/blk.back || dusk_fail "64 KiB direct read back of $1 differs"
	dusk_pass "64 KiB written and read back directly: $(md5sum </tmp/blk.back | cut -c1-32)"
}
