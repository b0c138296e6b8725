#!/usr/bin/env bash
# The TCP transport end to end (x86-64 on both sides): dusk_lwfw.ko and
# dusk-relay in the VM (guest.sh), lwfw's user build here, connected through
# QEMU's user-mode port forward.  Checked here: a wrong key, a program of
# another module and a second client are refused with a clear reason; the
# program's module_init and module_exit run against the guest's kernel;
# SIGKILL of the program ends its session there.  guest.sh checks the
# packets and the kernel side.
#
# usage: test.sh VM_RUN DUSK_RELAY LWFW DUSK_LWFW_KO OTHER_PROGRAM NETPROBE GUEST_LIB
#                RELAY_GUEST GUEST_SH
set -euo pipefail
vmrun=$1 relay=$2 prog=$3 kmod=$4 other=$5 netprobe=$6 guestlib=$7 reguest=$8 guest=$9

. "$(dirname "$0")/relay-host.sh"
relay_setup dusk-relay-test
head -c 32 /dev/urandom >"$work/wrong"
chmod 600 "$work/wrong"
relay_boot "$vmrun" -t 600 -m "$kmod" -b "$relay" -b "$netprobe" -f "$guestlib" \
	-f "$reguest" -- "$guest"

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

relay_end
echo "relay: all checks passed"
