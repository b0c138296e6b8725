#!/bin/sh
# Debugging works (guest script, run by scripts/vm-run -g): the user build
# of lwfw runs under gdb in batch mode, stops on a line of the hook path in
# lwfw.c when a real packet arrives, prints a field of the sk_buff and of the
# IP header (kernel memory, read through the program's shadow), continues —
# and the packet's verdict still takes effect.
#
# usage: gdb.sh LWFW_C   (the sample source, to find the line to break on)
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u
src=$1
line=$(grep -n 'lwfw_denies(iph->saddr == deny_addr)' "$src" | cut -d: -f1)
[ -n "$line" ] || dusk_fail "no line to break on in $src"

dusk_netns_pair
samples_sink b udp 5001
samples_sink b udp 5002
# The program will sit at a breakpoint far longer than the default 2 s a
# packet may wait before the fail-open policy lets it through; a verdict that
# still takes effect must not be the policy's.
insmod /dusk/mod/dusk_lwfw.ko nf_timeout_ms=120000 || dusk_fail "insmod dusk_lwfw"

kiph='((struct iphdr *)dusk_check_kernel((unsigned long)iph, sizeof(struct iphdr)))'
kskb='((struct sk_buff *)dusk_check_kernel((unsigned long)skb, sizeof(struct sk_buff)))'
cat >/tmp/cmds <<GDB
set pagination off
set confirm off
handle SIGTERM nostop noprint pass
break lwfw.c:$line
run deny_port=5001
print $kskb->len
print $kiph->protocol
print/x $kiph->saddr
delete
continue
GDB
gdb -batch -x /tmp/cmds /dusk/bin/lwfw >/tmp/gdb.log 2>&1 &
gdb_pid=$!
samples_wait_log '^dusk: lwfw: running' /tmp/gdb.log 60 "lwfw did not start under gdb"

# One datagram of 4 bytes to the denied port: it hits the breakpoint.
samples_in a netprobe udp 10.0.2.2 5001 1 ping || dusk_fail "send"
samples_wait_log '^\$3 = ' /tmp/gdb.log 60 "gdb did not stop at lwfw.c:$line"
grep -q "Breakpoint 1, lwfw_classify (skb=0x.*) at .*lwfw.c:$line\$" /tmp/gdb.log ||
	{ cat /tmp/gdb.log; dusk_fail "gdb stopped elsewhere"; }
dusk_pass "gdb stopped at lwfw.c:$line in lwfw_classify"
grep -qx '\$1 = 32' /tmp/gdb.log || { cat /tmp/gdb.log; dusk_fail "skb->len is not 20 + 8 + 4"; }
dusk_pass "skb->len = 32"
grep -q '^\$2 = 17 ' /tmp/gdb.log || { cat /tmp/gdb.log; dusk_fail "iph->protocol is not UDP"; }
dusk_pass "iph->protocol = 17"
grep -qx '\$3 = 0x201000a' /tmp/gdb.log || { cat /tmp/gdb.log; dusk_fail "iph->saddr is not 10.0.1.2"; }
dusk_pass "iph->saddr = 10.0.1.2"

# The verdict of the stopped-and-continued hook: dropped, not let through.
sleep 1
[ "$(samples_received b udp 5001)" -eq 0 ] || dusk_fail "the datagram passed: the verdict was lost"
dusk_pass "the datagram stopped at the breakpoint was dropped by the hook's verdict"
samples_udp a b 10.0.2.2 5002 2 2
samples_udp a b 10.0.2.2 5001 2 0

kill -TERM "$(pidof lwfw)"
wait $gdb_pid
grep -q 'lwfw: dropped by port rule: 3' /tmp/gdb.log ||
	{ cat /tmp/gdb.log; dusk_fail "module_exit did not report 3 drops"; }
dusk_pass "module_exit ran under gdb and counted 3 drops"
samples_stop_sinks
rmmod dusk_lwfw || dusk_fail "rmmod dusk_lwfw"
dusk_dmesg_clean gdb
echo "gdb: all checks passed"
