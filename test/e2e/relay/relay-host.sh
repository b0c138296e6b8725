# Host half of what the relay's VM tests and benchmark share (bash; sourced
# by test/e2e/relay/test.sh, test/e2e/relay-arm64/test.sh and
# bench/relay/run-relay): a guest with dusk-relay behind QEMU's port
# forward, the MARK lines the guest prints, the user build run here.
#
#   relay_setup NAME       work folder, a free port, a key; cleanup at exit
#   relay_boot VM_RUN ARG...   start the guest (vm-run ARG... plus the
#                          forward, the output file and the key)
#   wait_mark, wait_log, fail, pass, relay_end (below)
# After relay_setup: $work, $port (the host's end of the forward) and
# $work/key (the guest's /dusk/files/key).

vmpid= ppid=
relay_cleanup() {
	local t
	[ -z "$ppid" ] || kill -KILL "$ppid" 2>/dev/null || true
	if [ -n "$vmpid" ]; then
		# vm-run's timeout(1) runs QEMU in a process group of its own
		for t in $(pgrep -P "$vmpid"); do kill -TERM -- "-$t" 2>/dev/null || true; done
		kill -TERM -- "-$vmpid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
relay_setup() { # NAME
	work=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
	trap relay_cleanup EXIT
	# A free port on the host's loopback for the forward.
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	head -c 32 /dev/urandom >"$work/key"
	chmod 600 "$work/key"
}
fail() {
	echo "FAIL: $*"
	for f in "$work"/*.log; do echo "--- $(basename "$f")"; cat "$f"; done
	exit 1
}
pass() { echo "ok: $*"; }

# relay_boot VM_RUN ARG...: vm-run in its own process group (cleanup ends
# it whole), the relay's port 7207 forwarded from $port.
relay_boot() {
	local vmrun=$1
	shift
	setsid "$vmrun" -p "$port:7207" -o "$work/guest.out" -f "$work/key:/dusk/files/key" "$@" \
		>"$work/vm.log" 2>&1 &
	vmpid=$!
}

# wait_mark MARK: until the guest has printed "MARK MARK" (400 s).
wait_mark() {
	local i=0
	until grep -q "^MARK $1" "$work/guest.out" 2>/dev/null; do
		kill -0 "$vmpid" 2>/dev/null || { wait "$vmpid" || true; fail "the VM ended before '$1'"; }
		i=$((i + 1))
		[ $i -le 4000 ] || fail "timed out waiting for the guest's '$1'"
		sleep 0.1
	done
}
# wait_log FILE TEXT PID: until FILE holds TEXT; fail if PID ends first.
wait_log() {
	local i=0
	until grep -q "$2" "$1"; do
		kill -0 "$3" 2>/dev/null || fail "$(basename "$1"): the program ended before '$2'"
		i=$((i + 1))
		[ $i -le 2400 ] || fail "timed out waiting for '$2' in $(basename "$1")"
		sleep 0.1
	done
}

# relay_end: wait for the guest's end; print its output; fail if its
# checks failed.
relay_end() {
	local rc=0
	wait "$vmpid" || rc=$?
	vmpid=
	cat "$work/vm.log"
	[ $rc = 0 ] || fail "the guest's checks failed (exit $rc)"
}
