#!/usr/bin/env bash
# The program on x86-64, the kernel on arm64 (docs/remote.md): an arm64
# guest (vm-run -a arm64, qemu-system-aarch64 under TCG) runs lwfw.ko, then
# dusk_lwfw.ko and dusk-relay, all cross-built; lwfw's user build, built
# here from the rewrite against the arm64 kernel tree, runs here against
# that kernel through QEMU's port forward.  guest.sh checks the verdicts
# and that the printk lines are lwfw.ko's.
#
# Then gdb, here, stops the program at a lwfw.c line while the guest's
# datagram waits in the hook; continued, the datagram gets its verdict.
#
# usage: test.sh VM_RUN KDIR_ARM64 DUSK_RELAY LWFW LWFW_KO DUSK_LWFW_KO NETPROBE GUEST_LIB GUEST_SH LWFW_C
set -euo pipefail
vmrun=$1 kdir=$2 relay=$3 prog=$4 ko=$5 kmod=$6 netprobe=$7 guestlib=$8 guest=$9 src=${10:-}

if [ ! -f "$kdir/Makefile" ] || ! command -v qemu-system-aarch64 >/dev/null || [ ! -f "$src" ]; then
	echo "no arm64 kernel tree or qemu-system-aarch64: run scripts/setup"
	exit 77
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/dusk-relay-arm64.XXXXXX")
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

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
head -c 32 /dev/urandom >"$work/key"
chmod 600 "$work/key"
start=$(date +%s)
setsid "$vmrun" -a arm64 -p "$port:7207" -o "$work/guest.out" -t 300 -m "$ko" -m "$kmod" \
	-b "$relay" -b "$netprobe" -f "$guestlib" -f "$work/key:/dusk/files/key" -- "$guest" \
	>"$work/vm.log" 2>&1 &
vmpid=$!

wait_mark() {
	local i=0
	until grep -q "^MARK $1" "$work/guest.out" 2>/dev/null; do
		kill -0 "$vmpid" 2>/dev/null || { wait "$vmpid" || true; fail "the VM ended before '$1'"; }
		i=$((i + 1))
		[ $i -le 3000 ] || fail "timed out waiting for the guest's '$1'"
		sleep 0.1
	done
}
wait_log() {
	local i=0
	until grep -q "$2" "$1"; do
		kill -0 "$3" 2>/dev/null || fail "$(basename "$1"): the program ended before '$2'"
		i=$((i + 1))
		[ $i -le 2400 ] || fail "timed out waiting for '$2' in $(basename "$1")"
		sleep 0.1
	done
}

file -L "$prog" | grep -q "$(uname -m | tr _ -)" || fail "$prog is not a program for this machine"
export DUSK_TARGET=127.0.0.1:$port DUSK_KEY=$work/key
wait_mark "relay ready"
pass "arm64 guest up, relay ready after $(($(date +%s) - start)) s"
"$prog" deny_port=5001 >"$work/lwfw.log" 2>&1 &
ppid=$!
wait_log "$work/lwfw.log" "dusk: lwfw: running" "$ppid"
pass "lwfw's user build ($(uname -m)) runs here against the arm64 guest's kernel"
wait_mark "packets done"
kill -TERM "$ppid"
rc=0
wait "$ppid" || rc=$?
ppid=
[ $rc = 0 ] || fail "lwfw's user build exited with $rc"
pass "lwfw stopped: module_exit ran through the relay"

# gdb here, the packet there: break on the hook path, read the packet's IP
# header (the arm64 kernel's memory) while the guest's datagram waits.
line=$(grep -n 'lwfw_denies(iph->saddr == deny_addr)' "$src" | cut -d: -f1)
[ -n "$line" ] || fail "no line to break on in $src"
kiph='((struct iphdr *)dusk_check_kernel((unsigned long)iph, sizeof(struct iphdr)))'
cat >"$work/gdb.cmds" <<GDB
set pagination off
set confirm off
handle SIGTERM nostop noprint pass
break lwfw.c:$line
run deny_port=5001
print $kiph->protocol
print/x $kiph->saddr
delete
continue
GDB
wait_mark "gdb ready"
gdb -batch -x "$work/gdb.cmds" "$prog" >"$work/gdb.log" 2>&1 &
ppid=$!
wait_log "$work/gdb.log" '^\$2 = ' "$ppid"
grep -q "Breakpoint 1, lwfw_classify (skb=0x.*) at .*lwfw.c:$line\$" "$work/gdb.log" ||
	fail "gdb stopped elsewhere"
grep -q '^\$1 = 17 ' "$work/gdb.log" || fail "iph->protocol is not UDP"
grep -qx '\$2 = 0x201000a' "$work/gdb.log" || fail "iph->saddr is not 10.0.1.2"
pass "gdb here stopped at lwfw.c:$line for the arm64 guest's datagram: protocol 17, saddr 10.0.1.2"
wait_mark "gdb sent"
sleep 1
kill -TERM "$(pgrep -P "$ppid" -x lwfw)" 2>/dev/null || fail "no lwfw under gdb"
rc=0
wait "$ppid" || rc=$?
ppid=
[ $rc = 0 ] || fail "gdb exited with $rc"
grep -q 'lwfw: dropped by port rule: 1' "$work/gdb.log" || fail "module_exit under gdb did not count the drop"
pass "continued: module_exit under gdb counted the drop"

rc=0
wait "$vmpid" || rc=$?
vmpid=
cat "$work/vm.log"
[ $rc = 0 ] || fail "the guest's checks failed (exit $rc)"
echo "relay-arm64: all checks passed in $(($(date +%s) - start)) s"
