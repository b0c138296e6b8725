#!/bin/sh
# Guest side of bench/pkt/trace-pkt: the program's own step per packet,
# from the return of its receive to the entry of its verdict's send, and
# its wake-up delay, read off the kernel's tracepoints (syscalls, sched).
#
#   vm-trace.sh ROUNDS SECONDS RATE [VARIANT...]
#
# Each round runs lwfw's user build (user) and nfq-lwfw (nfq), alternated,
# SECONDS of UDP at RATE/s from netns a to b through the router, with the
# trace on for the packets after a first second.  One line per program per
# round (VARIANTs other than user and nfq: nfq-cal with extra work per
# packet, bench/pkt/tcg-cost: calP<N> N pages read, calL<N> N turns of a
# loop, calC<N> N runs of 1000 distinct branches, cal0 none):
#   trace ROUND VARIANT packets N step_med_us S step_p90_us S9 wake_med_us W
# (step: from the return of a receive that brought something to the next
# send of the same thread, the verdict's; wake: from the kernel's wake-up
# of one of the program's threads to its switch onto a CPU), and one line
# of where each packet's time in the router goes:
#   path ROUND VARIANT packets N in_wake_us A wake_run_us B run_recv_us C
#        step_us S send_out_us D total_us T
# (medians: from its arrival on ra to the wake-up of the program, to the
# program running, to its receive's return, to the verdict's send, to the
# packet's transmission on rb; total: arrival to transmission).  Unlike the
# end-to-end latency of run-pkt, which a TCG guest on a shared host spreads
# by hundreds of microseconds from round to round, the step is the
# program's own and moves by a few.
. /dusk/lib.sh
. /dusk/files/rounds.sh
rounds=${1:-5} secs=${2:-4} rate=${3:-50}
if [ $# -ge 3 ]; then shift 3; else set --; fi
[ $# -gt 0 ] || set -- user nfq
port=9000
T=/sys/kernel/tracing

dusk_netns_pair
for m in nfnetlink nfnetlink_queue; do
	insmod /dusk/mod/$m.ko 2>/dev/null || true
done
[ -d $T/events ] || mount -t tracefs nodev $T 2>/dev/null || mount -t debugfs nodev /sys/kernel/debug
[ -d $T/events ] || T=/sys/kernel/debug/tracing
[ -d $T/events/syscalls ] || dusk_fail "no syscall tracepoints in this kernel"
bench_flow 1 100	# ARP, route cache

echo 16384 >$T/buffer_size_kb
for e in syscalls/sys_exit_recvmmsg syscalls/sys_exit_recvmsg syscalls/sys_enter_sendto \
	 syscalls/sys_enter_sendmsg sched/sched_wakeup sched/sched_switch \
	 net/netif_receive_skb net/net_dev_start_xmit; do
	echo 1 >$T/events/$e/enable
done

load() {
	case $v in
	user)
		insmod /dusk/mod/dusk_lwfw.ko fail_closed=1 || dusk_fail "insmod dusk_lwfw"
		: >/tmp/prog.log
		lwfw deny_port=7 >/tmp/prog.log 2>&1 &
		prog=$!
		bench_wait_line "^dusk: lwfw: running" /tmp/prog.log ;;
	nfq)
		insmod /dusk/mod/nfq_steer.ko || dusk_fail "insmod nfq_steer"
		: >/tmp/prog.log
		nfq-lwfw 7 >/tmp/prog.log 2>&1 &
		prog=$!
		bench_wait_line ready /tmp/prog.log ;;
	cal*)
		insmod /dusk/mod/nfq_steer.ko || dusk_fail "insmod nfq_steer"
		: >/tmp/prog.log
		n=${v#cal?}
		case $v in
		calP*) TCG_CAL_PAGES=$n nfq-cal 7 >/tmp/prog.log 2>&1 & ;;
		calL*) TCG_CAL_LOOP=$n nfq-cal 7 >/tmp/prog.log 2>&1 & ;;
		calC*) TCG_CAL_CODE=$n nfq-cal 7 >/tmp/prog.log 2>&1 & ;;
		*) nfq-cal 7 >/tmp/prog.log 2>&1 & ;;
		esac
		prog=$!
		bench_wait_line ready /tmp/prog.log ;;
	esac
}
unload() {
	kill -INT $prog
	wait $prog || { cat /tmp/prog.log; dusk_fail "$v"; }
	case $v in user) rmmod dusk_lwfw ;; *) rmmod nfq_steer ;; esac
}
trace_round() {
	load
	bench_flow 1 "$rate" >/dev/null
	echo >$T/trace
	echo 1 >$T/tracing_on
	bench_flow "$secs" "$rate"
	echo 0 >$T/tracing_on
	tids=$(ls /proc/$prog/task | tr '\n' ' ')
	cat $T/trace >/tmp/trace.txt
	unload
	TIDS="$tids" summarize_tids
	TIDS="$tids" summarize_path
}
# The part of summarize_tids's and summarize_path's awk programs that reads
# the trace: for each event line, its timestamp (ts, s), its event (ev), its
# task (tid) and where its fields start (i); mine[] holds the program's
# threads (-v tids); received() says a receive's return brought something.
trace_awk_head='
	function us(s) { return s * 1e6 }
	function sort(a, n,   i, j, t) { for (i = 0; i < n; i++) for (j = i + 1; j < n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t } }
	function arg(name,   j) { for (j = i + 2; j <= NF; j++) if (index($j, name "=") == 1) return substr($j, length(name) + 2); return "" }
	function received() { return (ev == "sys_recvmmsg" || ev == "sys_recvmsg") && $(i + 2) == "->" && $NF != "0x0" && $NF !~ /^0xffff/ }
	BEGIN { n = split(tids, t, " "); for (k = 1; k <= n; k++) mine[t[k]] = 1 }
	/^#/ { next }
	{
		for (i = 2; i <= NF; i++) if ($i ~ /^[0-9]+\.[0-9]+:$/) break
		if (i > NF) next
		ts = substr($i, 1, length($i) - 1) + 0; ev = $(i + 1)
		k = split($1, c, "-"); tid = c[k]
	}'
# summarize_path: each packet's stages, by the first event of each kind
# after its arrival (at RATE/s a packet is alone in the router).
summarize_path() {
	awk -v v="$v" -v r="$r" -v tids="$TIDS" "$trace_awk_head"'
	function med(a, n) { sort(a, n); return n ? a[int(n / 2)] : 0 }
	ev == "netif_receive_skb:" && arg("dev") == "ra" { skb = arg("skbaddr"); tin = ts; st = 1; next }
	!st { next }
	st == 1 && ev == "sched_wakeup:" && (arg("pid") in mine) { twake = ts; st = 2; next }
	st == 2 && ev == "sched_switch:" && (arg("next_pid") in mine) { trun = ts; st = 3; next }
	st == 3 && received() && (tid in mine) { trecv = ts; st = 4; next }
	st == 4 && ev ~ /^sys_send(to|msg)\(/ && (tid in mine) { tsend = ts; st = 5; next }
	st == 5 && ev == "net_dev_start_xmit:" && arg("dev") == "rb" && arg("skbaddr") == skb {
		a[np] = us(twake - tin); b[np] = us(trun - twake); c2[np] = us(trecv - trun)
		s2[np] = us(tsend - trecv); d[np] = us(ts - tsend); tot[np] = us(ts - tin); np++; st = 0
	}
	END {
		printf "path %d %s packets %d in_wake_us %.0f wake_run_us %.0f run_recv_us %.0f step_us %.0f send_out_us %.0f total_us %.0f\n",
			r, v, np, med(a, np), med(b, np), med(c2, np), med(s2, np), med(d, np), med(tot, np)
	}' /tmp/trace.txt
}
summarize_tids() {
	awk -v v="$v" -v r="$r" -v tids="$TIDS" "$trace_awk_head"'
	ev == "sched_wakeup:" { w = arg("pid"); if (w in mine) woke[w] = ts; next }
	ev == "sched_switch:" {
		w = arg("next_pid")
		if (w in woke) { wk[nw++] = us(ts - woke[w]); delete woke[w] }
		next
	}
	!(tid in mine) { next }
	(ev == "sys_recvmmsg" || ev == "sys_recvmsg") && $(i + 2) == "->" {
		if (received()) got[tid] = ts
		next
	}
	ev ~ /^sys_send(to|msg)\(/ && (tid in got) {
		st[ns++] = us(ts - got[tid]); delete got[tid]
	}
	END {
		sort(st, ns); sort(wk, nw)
		printf "trace %d %s packets %d step_med_us %.0f step_p90_us %.0f wake_med_us %.0f\n", r, v, ns,
			ns ? st[int(ns / 2)] : 0, ns ? st[int(ns * 0.9)] : 0, nw ? wk[int(nw / 2)] : 0
	}' /tmp/trace.txt
}
bench_rounds "$rounds" trace_round "$@"
