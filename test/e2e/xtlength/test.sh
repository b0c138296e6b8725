#!/bin/sh
# Real-kernel test of xt_length, an in-tree xtables match (guest script, run
# by test/e2e/difftest in both builds: xt_length.ko, then its DUSK user
# build through dusk-run).
#
# iptables and ip6tables rules (legacy, or nft with XT_BACKEND=nft) on the
# INPUT chain of lo use `-m length` three ways (DROP a range, ACCEPT a
# range, count an inverted range); pings of chosen sizes to 127.0.0.1 and ::1 must pass or be
# dropped as the ranges say, and the rules' packet counters must match.
# A rule is then deleted (its instance goes: destroy) and the pings that it
# dropped pass.  In the user build every answer must have come from the
# program (debugfs: sync_answers > 0, sync_policy 0).
#
# Every ping is bounded (timeout -s KILL), so a hang fails with a message.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

# XT_BACKEND=legacy (default): ip_tables; XT_BACKEND=nft: iptables-nft, the
# rules are nf_tables rules whose matches run through nft_compat.
backend=${XT_BACKEND:-legacy}
ipt() { "xtables-$backend-multi" iptables -w "$@"; }
ip6t() { "xtables-$backend-multi" ip6tables -w "$@"; }

# ping_check FAMILY SIZE WANT: one echo request of SIZE payload bytes over
# lo (FAMILY 4: 127.0.0.1, 6: ::1) passes (WANT passed) or not (dropped).
ping_check() {
	if [ "$1" = 4 ]; then
		timeout -s KILL 20 ping -c 1 -W 3 -s "$2" 127.0.0.1 >/dev/null 2>&1
	else
		timeout -s KILL 20 ping6 -c 1 -W 3 -s "$2" ::1 >/dev/null 2>&1
	fi
	case $? in
	0) got=passed ;;
	137) dusk_fail "IPv$1 ping -s $2 did not finish within 20 s" ;;
	*) got=dropped ;;
	esac
	[ "$got" = "$3" ] || dusk_fail "IPv$1 ping -s $2: $got, want $3"
	dusk_pass "IPv$1 ping -s $2: $got"
}

# counters FAMILY: the INPUT rules' packet counters, one line each.
counters() {
	if [ "$1" = 4 ]; then ipt -L INPUT -v -x -n --line-numbers; else ip6t -L INPUT -v -x -n --line-numbers; fi |
		awk -v f="$1" 'NR > 2 { print "IPv" f " rule " $1 ": " $2 " packets" }'
}

if [ "$backend" = nft ]; then
	mods="crc32c_generic libcrc32c x_tables ip_tables ip6_tables nfnetlink nf_tables nft_compat"
else
	mods="x_tables ip_tables iptable_filter ip6_tables ip6table_filter"
fi
for m in $mods; do
	insmod "/dusk/mod/$m.ko" || dusk_fail "insmod $m"
done
dmesg -c >/dev/null
samples_load xt_length || dusk_fail "load xt_length"

# Total lengths: IPv4 28 + payload, IPv6 48 + payload.
ipt -A INPUT -i lo -p icmp --icmp-type echo-request -m length --length 100:200 -j DROP ||
	dusk_fail "iptables -m length (DROP)"
ipt -A INPUT -i lo -p icmp --icmp-type echo-request -m length --length 400:500 -j ACCEPT ||
	dusk_fail "iptables -m length (ACCEPT)"
ipt -A INPUT -i lo -p icmp --icmp-type echo-request -m length ! --length 0:60 ||
	dusk_fail "iptables -m length ! (count)"
ip6t -A INPUT -i lo -p ipv6-icmp --icmpv6-type echo-request -m length --length 100:200 -j DROP ||
	dusk_fail "ip6tables -m length (DROP)"
ip6t -A INPUT -i lo -p ipv6-icmp --icmpv6-type echo-request -m length --length 400:500 -j ACCEPT ||
	dusk_fail "ip6tables -m length (ACCEPT)"
dusk_pass "rules inserted"

echo "== IPv4"
ping_check 4 20 passed		# 48
ping_check 4 72 dropped		# 100
ping_check 4 100 dropped	# 128
ping_check 4 172 dropped	# 200
ping_check 4 173 passed		# 201
ping_check 4 400 passed		# 428: ACCEPT
counters 4
echo "== IPv6"
ping_check 6 20 passed		# 68
ping_check 6 52 dropped		# 100
ping_check 6 152 dropped	# 200
ping_check 6 153 passed		# 201
ping_check 6 380 passed		# 428: ACCEPT
counters 6

echo "== the DROP rules deleted"
ipt -D INPUT 1 || dusk_fail "iptables -D"
ip6t -D INPUT 1 || dusk_fail "ip6tables -D"
ping_check 4 100 passed
ping_check 6 100 passed
counters 4
counters 6

if [ "${DUSK_MODE:-kernel}" = user ]; then
	# Not in the transcript (the kernel build has no such counters).
	answers=$(samples_kstat xt_length sync_answers)
	policy=$(samples_kstat xt_length sync_policy)
	[ "${answers:-0}" -gt 0 ] || dusk_fail "user build: no match answered by the program"
	[ "${policy:-1}" = 0 ] || dusk_fail "user build: $policy match answers by the policy"
fi

ipt -F INPUT
ip6t -F INPUT
samples_unload xt_length
dusk_dmesg_clean "after unload"
echo "xt_length: all checks passed"
