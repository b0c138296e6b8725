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
# usage: test.sh VM_RUN KDIR_ARM64 DUSK_RELAY LWFW LWFW_KO DUSK_LWFW_KO NETPROBE GUEST_LIB
#                RELAY_GUEST GUEST_SH LWFW_C
set -euo pipefail
vmrun=$1 kdir=$2 relay=$3 prog=$4 ko=$5 kmod=$6 netprobe=$7 guestlib=$8 reguest=$9 guest=${10:-} src=${11:-}

if [ ! -f "$kdir/Makefile" ] || ! command -v qemu-system-aarch64 >/dev/null || [ ! -f "$src" ]; then
	echo "no arm64 kernel tree or qemu-system-aarch64: run scripts/setup"
	exit 77
fi
. "$(dirname "$0")/../relay/relay-host.sh"
relay_setup dusk-relay-arm64
start=$(date +%s)
relay_boot "$vmrun" -a arm64 -t 300 -m "$ko" -m "$kmod" -b "$relay" -b "$netprobe" \
	-f "$guestlib" -f "$reguest" -- "$guest"

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
# Reading the packet calls dusk_check_kernel() in the stopped program, and
# gdb's calls need the host kernel to let ptrace write the x86 extended
# register state; some hosts' kernels refuse that ("Couldn't write extended
# state status: Bad address", any program).  There the header's address
# is printed instead, and its fields are not checked.
printf 'int f(void) { return 42; }\nint main(void) { return f(); }\n' >"$work/probe.c"
calls=yes
if cc -g -O0 -o "$work/probe" "$work/probe.c" &&
	! gdb -batch -ex 'break main' -ex run -ex 'print f()' "$work/probe" 2>&1 | grep -q '^\$1 = 42$'; then
	calls=no
	echo "note: gdb on this host cannot call functions in a stopped program: the packet's fields are not read"
	reads="print iph
print iph
"
else
	reads="print $kiph->protocol
print/x $kiph->saddr
"
fi
cat >"$work/gdb.cmds" <<GDB
set pagination off
set confirm off
handle SIGTERM nostop noprint pass
break lwfw.c:$line
run deny_port=5001
${reads}delete
continue
GDB
wait_mark "gdb ready"
gdb -batch -x "$work/gdb.cmds" "$prog" >"$work/gdb.log" 2>&1 &
ppid=$!
wait_log "$work/gdb.log" '^\$2 = ' "$ppid"
grep -q "Breakpoint 1, lwfw_classify (skb=0x.*) at .*lwfw.c:$line\$" "$work/gdb.log" ||
	fail "gdb stopped elsewhere"
if [ $calls = yes ]; then
	grep -q '^\$1 = 17 ' "$work/gdb.log" || fail "iph->protocol is not UDP"
	grep -qx '\$2 = 0x201000a' "$work/gdb.log" || fail "iph->saddr is not 10.0.1.2"
	pass "gdb here stopped at lwfw.c:$line for the arm64 guest's datagram: protocol 17, saddr 10.0.1.2"
else
	grep -q '^\$2 = (const struct iphdr \*) 0xffff' "$work/gdb.log" || fail "iph is not a kernel address"
	pass "gdb here stopped at lwfw.c:$line for the arm64 guest's datagram (its header at a kernel address)"
fi
wait_mark "gdb sent"
sleep 1
kill -TERM "$(pgrep -P "$ppid" -x lwfw)" 2>/dev/null || fail "no lwfw under gdb"
rc=0
wait "$ppid" || rc=$?
ppid=
[ $rc = 0 ] || fail "gdb exited with $rc"
grep -q 'lwfw: dropped by port rule: 1' "$work/gdb.log" || fail "module_exit under gdb did not count the drop"
pass "continued: module_exit under gdb counted the drop"

relay_end
echo "relay-arm64: all checks passed in $(($(date +%s) - start)) s"
