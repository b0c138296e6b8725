#!/bin/sh
# Real-kernel test of xt_quota, an in-tree xtables match with state (guest
# script, run by test/e2e/difftest in both builds: xt_quota.ko, then its
# DUSK user build through dusk-run).
#
# `-i lo -p icmp -m quota --quota N -j ACCEPT` then `-i lo -p icmp -j DROP`,
# for IPv4 and IPv6.  A ping of 100 payload bytes over lo puts its request
# and its reply through INPUT (2 x 128 bytes IPv4, 2 x 148 IPv6); N leaves
# 8 bytes after two pings, so the third is dropped.  TCP connections to a
# closed port of lo go first: they must not use up the ICMP rule's quota
# (in the user build, the core must not ask the match about packets its
# rule's -p test refuses).  Then the rules are deleted (destroy) and a ping
# passes.  Counters must match.
#
# Every ping is bounded (timeout -s KILL), so a hang fails with a message.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

ipt() { xtables-legacy-multi iptables -w "$@"; }
ip6t() { xtables-legacy-multi ip6tables -w "$@"; }

# ping_check FAMILY WANT: one echo request of 100 payload bytes over lo
# passes (WANT passed) or not (dropped).
ping_check() {
	if [ "$1" = 4 ]; then
		timeout -s KILL 20 ping -c 1 -W 2 -s 100 127.0.0.1 >/dev/null 2>&1
	else
		timeout -s KILL 20 ping6 -c 1 -W 2 -s 100 ::1 >/dev/null 2>&1
	fi
	case $? in
	0) got=passed ;;
	137) dusk_fail "IPv$1 ping did not finish within 20 s" ;;
	*) got=dropped ;;
	esac
	[ "$got" = "$2" ] || dusk_fail "IPv$1 ping: $got, want $2"
	dusk_pass "IPv$1 ping: $got"
}

# counters FAMILY: the INPUT rules' packet counters, one line each.
counters() {
	if [ "$1" = 4 ]; then ipt -L INPUT -v -x -n --line-numbers; else ip6t -L INPUT -v -x -n --line-numbers; fi |
		awk -v f="$1" 'NR > 2 { print "IPv" f " rule " $1 ": " $2 " packets" }'
}

for m in x_tables ip_tables iptable_filter ip6_tables ip6table_filter; do
	insmod "/dusk/mod/$m.ko" || dusk_fail "insmod $m"
done
ip link set lo up
dmesg -c >/dev/null
samples_load xt_quota || dusk_fail "load xt_quota"

ipt -A INPUT -i lo -p icmp -m quota --quota 520 -j ACCEPT || dusk_fail "iptables -m quota"
ipt -A INPUT -i lo -p icmp -j DROP || dusk_fail "iptables DROP"
ip6t -A INPUT -i lo -p ipv6-icmp -m quota --quota 600 -j ACCEPT || dusk_fail "ip6tables -m quota"
ip6t -A INPUT -i lo -p ipv6-icmp -j DROP || dusk_fail "ip6tables DROP"
dusk_pass "rules inserted"

# Refused TCP connections (SYN and RST over lo): not ICMP.
for a in 127.0.0.1 ::1; do
	timeout -s KILL 20 nc -w 2 "$a" 1 </dev/null >/dev/null 2>&1
	[ $? = 137 ] && dusk_fail "nc $a 1 did not finish within 20 s"
done
dusk_pass "TCP to closed ports"

for f in 4 6; do
	echo "== IPv$f"
	ping_check $f passed
	ping_check $f passed
	ping_check $f dropped
	counters $f
done

echo "== the quota rules deleted"
ipt -D INPUT 1 || dusk_fail "iptables -D"
ip6t -D INPUT 1 || dusk_fail "ip6tables -D"
ping_check 4 dropped
ipt -F INPUT
ip6t -F INPUT
ping_check 4 passed
ping_check 6 passed

if [ "${DUSK_MODE:-kernel}" = user ]; then
	# Not in the transcript (the kernel build has no such counters).
	answers=$(samples_kstat xt_quota sync_answers)
	policy=$(samples_kstat xt_quota sync_policy)
	[ "${answers:-0}" -gt 0 ] || dusk_fail "user build: no match answered by the program"
	[ "${policy:-1}" = 0 ] || dusk_fail "user build: $policy match answers by the policy"
fi

samples_unload xt_quota
dusk_dmesg_clean "after unload"
echo "xt_quota: all checks passed"
