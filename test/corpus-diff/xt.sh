#!/bin/sh
# Guest script of scripts/corpus-difftest for an xtables match module: load
# it once as NAME.ko and once as its user build, in one boot; each time
# install its rules from /dusk/files/xt-rules (test/corpus-diff/xt-rules),
# send the same traffic over lo, and print what happened: which rules the
# kernel accepted, which packets passed, the rules' counters and options as
# iptables-save reads them back from the kernel, what the module's own
# /proc/net files read (and do with a write), the kernel-log lines.  The
# user build starts from the /proc/sys/net settings the kernel build found.
#   xt.sh NAME        (DEPS: modules to insmod first, in order)
. /dusk/lib.sh
set -u -f
name=$1
LIMIT=${SELFTEST_LIMIT:-60}
rules=/dusk/files/xt-rules

for m in ${DEPS:-}; do
	insmod "/dusk/mod/$m.ko" || echo "setup: insmod $m failed"
done
ip link set lo up
# The user build's answers come late (one round trip to the program per
# rule and packet), and TCP's segment count depends on timing: a delayed
# ACK rides on the next segment or goes alone (xt_mark's rule counted two
# ACKs more), a late answer means a retransmission or a tail loss probe.  On
# lo, ACKs go at once (quickack), nothing is retransmitted within 5 s (the
# handshake's own 1 s timer aside) and no loss is probed for (the probe's
# timer is not bounded by rto_min); "== notes" counts retransmissions.  So
# the rules' counters do not depend on how fast the answers come.
ip route change local 127.0.0.1 dev lo table local proto kernel scope host src 127.0.0.1 \
	rto_min 5s quickack 1 2>/dev/null || echo "setup: rto_min on lo refused"
echo 0 >/proc/sys/net/ipv4/tcp_early_retrans


# The module's kernel-log lines, with what differs between two runs made
# equal; the kernel's own "hrtimer: interrupt took" (an emulator too slow
# for a timer interrupt) is not the module's.
log_lines() {
	dmesg | sed 's/^\[[^]]*\] //' |
		grep -v -e 'taints kernel' -e 'module verification failed' -e 'hrtimer: interrupt took' \
			-e '^dusk' -e 'dusk_' |
		sed -E -e 's/0x[0-9a-f]+/0x…/g' -e 's/\b[0-9a-f]{16}\b/…/g'
	dmesg -c >/dev/null
}

# for_rules FN: FN FAMILY-COMMAND TABLE ARGS... for each of the module's rules.
for_rules() {
	grep -v '^#' "$rules" | while read -r n fam table args; do
		[ "$n" = "$name" ] || continue
		case $fam in *4*) "$1" iptables "$table" $args ;; esac
		case $fam in *6*) "$1" ip6tables "$table" $args ;; esac
	done
}

add_rule() {
	cmd=$1 table=$2
	shift 2
	if err=$(xtables-legacy-multi "$cmd" -w -t "$table" "$@" 2>&1); then
		echo "rule: $cmd -t $table $*: ok"
	else
		echo "rule: $cmd -t $table $*: refused: $(echo "$err" | head -n 1)"
	fi
}

flush_rule() { xtables-legacy-multi "$1" -w -t "$2" -F 2>/dev/null || true; }

# The traffic: pings of three sizes both ways over lo, a TCP exchange, a
# refused TCP connection.  Each bounded; each prints whether it got through.
traffic() {
	for s in 20 100 400; do
		if timeout -s KILL 20 ping -c 1 -W 3 -s "$s" 127.0.0.1 >/dev/null 2>&1; then r=passed; else r=dropped; fi
		echo "ping 127.0.0.1 -s $s: $r"
		if timeout -s KILL 20 ping6 -c 1 -W 3 -s "$s" ::1 >/dev/null 2>&1; then r=passed; else r=dropped; fi
		echo "ping ::1 -s $s: $r"
	done
	: >/tmp/got
	# The listener's stdin stays open (a background job's is /dev/null, and
	# its end made the listener send FIN at once, racing the client's data):
	# it closes when the client did, so the segments come in one order.
	sleep 8 | timeout -s KILL 20 nc -l -p 5000 >/tmp/got 2>/dev/null &
	l=$!
	sleep 0.5
	# The data goes a second after the connection is made, when the
	# listener has accepted it: before, the server's ACK of the data could
	# leave a child socket not yet accepted (no sk_socket: xt_owner's rules
	# counted that ACK differently in two runs of the kernel build).
	{ sleep 1; echo hello-abc; } | timeout -s KILL 20 nc -w 5 127.0.0.1 5000 >/dev/null 2>&1
	wait $l
	echo "tcp 127.0.0.1:5000 got: $(cat /tmp/got)"
	if timeout -s KILL 20 nc -w 5 127.0.0.1 1 </dev/null >/dev/null 2>&1; then r=connected; else r=failed; fi
	echo "tcp 127.0.0.1:1: $r"
}

# TCP segments the guest retransmitted so far (/proc/net/snmp RetransSegs).
retrans() {
	awk '$1 == "Tcp:" && !h { for (i = 2; i <= NF; i++) if ($i == "RetransSegs") c = i; h = 1; next }
		$1 == "Tcp:" { print $c }' /proc/net/snmp
}

# The rules as the kernel holds them: counters and options read back.
saved() {
	for c in iptables ip6tables; do
		xtables-legacy-multi "$c-save" -c 2>/dev/null | grep -v -e '^#' -e '^:' -e '^\*' -e '^COMMIT' |
			sed "s/^/$c: /"
	done
}

# The module's own /proc/net files (xt_recent's address lists, made by
# its rules' checkentry): each read, written a number to, read again, while
# the rules exist.  Jiffies (7 digits or more) differ from run to run.
proc_files() { find /proc/net/ -mindepth 1 -maxdepth 2 2>/dev/null | sort; }
proc_show() {
	echo "$1:"
	timeout 5 head -c 4096 "$1" 2>&1 | sed -E -e 's/\b[0-9]{7,}\b/N/g' -e 's/^/  /'
}
proc_new() {
	proc_files | grep -vxF -f /tmp/proc.before | while read -r f; do
		[ -f "$f" ] || continue
		proc_show "$f"
		if echo 7 | timeout 5 tee "$f" >/dev/null 2>&1; then r=ok; else r=failed; fi
		echo "write 7 $f: $r"
		proc_show "$f"
	done
}

scenario() {
	r0=$(retrans)
	for_rules add_rule
	traffic
	saved
	proc_new
	for_rules flush_rule
	notes="$notes
$1: TCP retransmissions $(($(retrans) - r0))"
}
notes=''


# Kernel settings a module may change for good (xt_connbytes turns on
# conntrack accounting: net.netfilter.nf_conntrack_acct): the user build
# starts from the settings the kernel build started from.
net_settings() {
	find /proc/sys/net -type f -perm -200 2>/dev/null | while read -r f; do
		printf '%s\t%s\n' "$f" "$(cat "$f" 2>/dev/null | tr '\n' ' ')"
	done
}
restore_settings() {
	net_settings >/tmp/settings.now
	grep -vxF -f /tmp/settings.now /tmp/settings.before | while IFS='	' read -r f v; do
		echo $v >"$f" 2>/dev/null
	done
}

proc_files >/tmp/proc.before
net_settings >/tmp/settings.before
dmesg -c >/dev/null
echo "== kernel"
if timeout "$LIMIT" insmod "/dusk/mod/$name.ko"; then echo "load: ok"; else echo "load: failed"; fi
scenario kernel
[ -d "/sys/module/$name" ] && { rmmod "$name" || echo "rmmod: failed"; }
log_lines

restore_settings
echo "== user"
out=/tmp/$name.user.log
: >"$out"	# exists before the first grep below, whoever runs first
dusk-run --kmod "/dusk/mod/dusk_$name.ko" "/dusk/bin/$name" >"$out" 2>&1 &
pid=$!
i=0 state=''
while [ -z "$state" ]; do
	if grep -q "^dusk: $name: running" "$out"; then state=ok
	elif ! kill -0 $pid 2>/dev/null; then state=failed
	elif [ $i -ge $((LIMIT * 10)) ]; then state=timeout
	fi
	i=$((i + 1))
	sleep 0.1
done
echo "load: $state"
scenario user
kill -TERM $pid 2>/dev/null
wait $pid
log_lines
echo "== program output"
grep -v '^<[0-7]>' "$out" | head -n 20
# Not compared (corpus-difftest compares the kernel and user sections only).
echo "== notes$notes"
