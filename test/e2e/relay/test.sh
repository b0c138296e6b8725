#!/usr/bin/env bash
# The TCP transport end to end (x86-64 on both sides): dusk_lwfw.ko and
# dusk-relay in the VM (guest.sh), lwfw's user build here, connected through
# QEMU's user-mode port forward.  Checked here: a wrong key, a program of
# another module and a second client are refused with a clear reason; the
# program's module_init and module_exit run against the guest's kernel;
# SIGKILL of the program ends its session there.  guest.sh checks the
# packets and the kernel side.
#
# usage: test.sh VM_RUN DUSK_RELAY LWFW DUSK_LWFW_KO OTHER_PROGRAM NETPROBE GUEST_LIB GUEST_SH
set -euo pipefail
vmrun=$1 relay=$2 prog=$3 kmod=$4 other=$5 netprobe=$6 guestlib=$7 guest=$8

work=$(mktemp -d "${TMPDIR:-/tmp}/dusk-relay-test.XXXXXX")
vmpid= ppid=
cleanup() {
	[ -z "$ppid" ] || kill -KILL "$ppid" 2>/dev/null || true
	[ -z "$vmpid" ] || kill -TERM -- "-$vmpid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
fail() {
	echo "FAIL: $*"
	for f in "$work"/*.log; do echo "--- $(basename "$f")"; cat "$f"; done
	exit 1
}
pass() { echo "ok: $*"; }

# A free port on the host's loopback for the forward.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
head -c 32 /dev/urandom >"$work/key"
head -c 32 /dev/urandom >"$work/wrong"
chmod 600 "$work/key" "$work/wrong"

setsid "$vmrun" -p "$port:7207" -o "$work/guest.out" -t 600 -m "$kmod" -b "$relay" \
	-b "$netprobe" -f "$guestlib" -f "$work/key:/dusk/files/key" -- "$guest" \
	>"$work/vm.log" 2>&1 &
vmpid=$!

# wait_mark MARK: until the guest has printed "MARK MARK".
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
# refused LOG TEXT CMD...: CMD exits 1 saying TEXT.
refused() {
	local log=$work/$1 text=$2 rc=0
	shift 2
	"$@" >"$log" 2>&1 || rc=$?
	[ $rc = 1 ] || fail "$* exited with $rc, want 1 (refused)"
	grep -qF "$text" "$log" || fail "$*: no '$text' in its output"
	pass "refused: $(grep -F "$text" "$log" | head -n 1)"
}

export DUSK_TARGET=127.0.0.1:$port
wait_mark "relay ready"
refused wrong-key.log "the relay does not know this key" env DUSK_KEY="$work/wrong" "$prog"
refused other.log "this relay serves module lwfw, not ipp2p" env DUSK_KEY="$work/key" "$other"

DUSK_KEY=$work/key "$prog" deny_port=5001 >"$work/lwfw.log" 2>&1 &
ppid=$!
wait_log "$work/lwfw.log" "dusk: lwfw: running" "$ppid"
pass "lwfw's user build runs here against the guest's kernel"
refused second.log "one client at a time" env DUSK_KEY="$work/key" "$prog"

wait_mark "packets done"
kill -TERM "$ppid"
rc=0
wait "$ppid" || rc=$?
ppid=
[ $rc = 0 ] || fail "lwfw's user build exited with $rc"
pass "lwfw stopped: module_exit ran through the relay"

wait_mark "stopped"
DUSK_KEY=$work/key "$prog" deny_port=5001 >"$work/lwfw2.log" 2>&1 &
ppid=$!
wait_log "$work/lwfw2.log" "dusk: lwfw: running" "$ppid"
wait_mark "loaded again"
kill -KILL "$ppid"
wait "$ppid" 2>/dev/null || true
ppid=
pass "second run killed with SIGKILL"

rc=0
wait "$vmpid" || rc=$?
vmpid=
cat "$work/vm.log"
[ $rc = 0 ] || fail "the guest's checks failed (exit $rc)"
echo "relay: all checks passed"
