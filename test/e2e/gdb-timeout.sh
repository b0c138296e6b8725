#!/bin/sh
# A debugger stop longer than the kernel's patience (guest script, run by
# scripts/vm-run -g): the user build of lwfw runs under gdb with the kmod's
# DEFAULT nf_timeout_ms (2000), stops at the first line of its hook when a
# datagram to the denied port arrives, and sits there 5 s.  Meanwhile the
# kmod gives up on the upcall and applies its fail-open policy: the datagram
# arrives although the hook will say DROP.  After `continue` the hook runs to
# its end (all of its reads of the packet happen after the timeout), its
# late verdict is refused by the kernel and reported as one warning, and the
# program goes on: later traffic is filtered, module_exit runs and prints.
#
# lwfw's hook makes no kernel call on this path (spin_lock_bh is a user
# lock, skb_header_pointer finds the ports in the linear data), so the
# warning is the late-REPLY one ("lwfw_hook returned after the kernel
# stopped waiting ..."), not dusk_call()'s ("stopped waiting for this
# callback"): libduskrt says exactly one of them per callback.
#
# usage: gdb-timeout.sh LWFW_C   (the sample source, to find the line)
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u
src=$1
line=$(grep -n 'enum lwfw_rule rule = lwfw_classify(skb, state->in);' "$src" | cut -d: -f1)
[ -n "$line" ] || dusk_fail "no line to break on in $src"
stats=/sys/kernel/debug/dusk_lwfw/stats
log=/tmp/gdb.log

# expect_stat NAME WANT WHAT: the counter went up by WANT since $base_NAME.
expect_stat() {
	eval "b=\$base_$1"
	now=$(samples_kstat lwfw "$1")
	[ "$((now - b))" -eq "$2" ] || { cat "$stats"; dusk_fail "$3: $1 went from $b to $now, want +$2"; }
}
# Anything that means the program died or gave up: a fatal DUSK report
# (dusk_fatal: "dusk: kernel call X failed: ..."), abort(), a signal.
no_fatal() {
	if grep -E 'kernel call .*(failed|malformed)|[Aa]bort|SIGABRT|SIGSEGV|received signal|exited with code|Program terminated|dusk: fault' "$log"; then
		cat "$log"
		dusk_fail "the program reported a fatal error $1"
	fi
}

dusk_netns_pair
samples_sink b udp 5001
samples_sink b udp 5002
insmod /dusk/mod/dusk_lwfw.ko || dusk_fail "insmod dusk_lwfw"
tmo=$(cat /sys/module/dusk_lwfw/parameters/nf_timeout_ms)
echo "nf_timeout_ms = $tmo"
[ "$tmo" = 2000 ] || dusk_fail "nf_timeout_ms is $tmo, want the default 2000"
dusk_pass "dusk_lwfw loaded with the default nf_timeout_ms=2000"

# At the breakpoint: sleep 5 s, more than twice nf_timeout_ms, with markers
# (and times) in the log so the script can tell where gdb is.
cat >/tmp/cmds <<GDB
set pagination off
set confirm off
handle SIGTERM nostop noprint pass
break lwfw.c:$line
run deny_port=5001
echo dusk-test: at the breakpoint\n
shell date +'dusk-test: stopped at %s'
shell sleep 5
shell date +'dusk-test: continuing at %s'
delete
continue
GDB
gdb -batch -x /tmp/cmds /dusk/bin/lwfw >$log 2>&1 &
gdb_pid=$!
samples_wait_log '^dusk: lwfw: running' $log 60 "lwfw did not start under gdb"
for s in upcalls replies timeouts policy_accept policy_drop refused calls; do
	eval "base_$s=\$(samples_kstat lwfw $s)"
done

# One datagram to the denied port: the hook stops at its first line.
samples_in a netprobe udp 10.0.2.2 5001 1 ping || dusk_fail "send"
samples_wait_log '^dusk-test: stopped at ' $log 60 "gdb did not stop at lwfw.c:$line"
t_stop=$(date +%s)
grep -q "Breakpoint 1, lwfw_hook (priv=.*, skb=0x.*, state=0x.*) at .*lwfw.c:$line\$" $log ||
	{ cat $log; dusk_fail "gdb stopped elsewhere"; }
dusk_pass "gdb stopped at lwfw.c:$line in lwfw_hook"

# While gdb sleeps: after nf_timeout_ms the kmod applies its policy
# (fail_closed=N: accept) and reinjects the datagram, which reaches the sink.
# Poll both at once, so "arrived" is judged against where gdb was then.
i=0 cont=no
while [ "$(samples_received b udp 5001)" -lt 1 ]; do
	i=$((i + 1))
	[ $i -le 100 ] || { cat $log; cat $stats; dusk_fail "the datagram held at the breakpoint did not arrive in 10 s"; }
	sleep 0.1
done
grep -q '^dusk-test: continuing' $log && cont=yes
t_got=$(date +%s)
[ $cont = no ] ||
	{ cat $log; dusk_fail "the datagram arrived only after gdb continued: not the timeout's doing"; }
dusk_pass "the datagram arrived ~$((t_got - t_stop)) s into the stop, the hook still stopped: the fail-open policy's verdict, not the hook's (DROP)"
expect_stat upcalls 1 "while stopped"
expect_stat timeouts 1 "while stopped"
expect_stat policy_accept 1 "while stopped"
expect_stat policy_drop 0 "while stopped"
expect_stat replies 0 "while stopped"
dusk_pass "kmod stats while stopped: 1 upcall expired, decided by the policy (accept)"

# After continue: the hook runs to its end and returns NF_DROP; the kernel
# refuses the late REPLY, the program says so once and goes on.
samples_wait_log '^dusk-test: continuing' $log 30 "gdb did not continue"
samples_wait_log 'returned after the kernel stopped waiting' $log 30 \
	"no warning for the late verdict"
sleep 1
no_fatal "after the timeout"
pid=$(pidof lwfw) || { cat $log; dusk_fail "lwfw is not running after the timeout"; }
dusk_pass "lwfw (pid $pid) still running after its hook outlived nf_timeout_ms"
grep -q '^dusk: lwfw_hook returned after the kernel stopped waiting for it (.*): its result was dropped' $log ||
	{ cat $log; dusk_fail "the late-verdict warning does not name lwfw_hook"; }
n=$(grep -c 'stopped waiting' $log)
[ "$n" -eq 1 ] || { cat $log; dusk_fail "$n 'stopped waiting' warnings, want exactly one for the one callback"; }
dusk_pass "one warning, naming lwfw_hook: its late verdict was dropped"
expect_stat refused 1 "the late REPLY"
expect_stat replies 0 "the late REPLY"
expect_stat calls 0 "the hook (no kernel call on its path)"
expect_stat policy_accept 1 "after continue"
dusk_pass "kmod stats: the late REPLY was refused, the policy's verdict stands"
[ "$(samples_received b udp 5001)" -eq 1 ] || dusk_fail "the sink of 5001 changed its count"

# Later traffic gets the hook's verdicts again, in time.
samples_udp a b 10.0.2.2 5002 2 2
samples_udp a b 10.0.2.2 5001 2 0
expect_stat timeouts 1 "later traffic"
expect_stat replies 4 "later traffic"
dusk_pass "the 4 later datagrams were answered in time (no new timeout)"
no_fatal "with later traffic"

# module_exit: the hook that outlived the timeout still ran to its end, so
# its lwfw_drops[LWFW_RULE_PORT]++ happened (only the verdict was dropped,
# by the kernel): 1 + the 2 later drops = 3.  Its printks are kernel calls
# after the timed-out callback, made without its CTX, and land in dmesg.
kill -TERM "$pid"
wait $gdb_pid
no_fatal "at exit"
grep -q 'lwfw: dropped by port rule: 3' $log ||
	{ cat $log; dusk_fail "module_exit did not report 3 drops"; }
dusk_pass "module_exit counted 3 port drops: the timed-out hook's increment included"
dmesg | grep -q 'lwfw: dropped by port rule: 3' || { dmesg | tail -n 30; dusk_fail "module_exit's printk is not in dmesg"; }
dmesg | grep -q 'lwfw: unloaded' || { dmesg | tail -n 30; dusk_fail "module_exit's last printk is not in dmesg"; }
dusk_pass "module_exit's printks are in dmesg"
echo "--- gdb log"
cat $log
echo "---"
samples_stop_sinks
rmmod dusk_lwfw || dusk_fail "rmmod dusk_lwfw"
dusk_dmesg_clean gdb-timeout
echo "gdb-timeout: all checks passed"
