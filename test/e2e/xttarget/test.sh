#!/bin/sh
# Real-kernel test of xttarget's two xtables targets (guest script, run by
# test/e2e/difftest in both builds: xttarget.ko, then its DUSK user build).
#
#   mangle OUTPUT  1  -o lo -p icmp -d 127.0.0.1 -j TOS --set-tos 0x10
#                  2  ... -m tos --tos 0x10 -j TOS --or-tos 0x04
#                  3  ... -m tos --tos 0x14                  (counts)
#   filter INPUT   1  -i lo -p icmp -m tos --tos 0x14        (counts)
#                  2  -i lo -p icmp -d 127.0.0.2 -j REJECT   (ours: logs, drops)
#
# TOS continues (XT_CONTINUE): the rules after it see the packet it changed,
# twice in a row in one table (the second TOS rule matches only what the
# first changed).  REJECT is terminal: a ping of 127.0.0.2 is lost and the
# module logs it.  Every rule's counter is compared: the user build runs
# the table again after the program's XT_CONTINUE, and the rules up to the
# target must still count each packet once (docs/kapi.md).
#
# Every ping is bounded (timeout -s KILL), so a hang fails with a message.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

ipt() { xtables-legacy-multi iptables -w "$@"; }

# ping_check ADDR WANT: one echo request over lo passes or not.
ping_check() {
	timeout -s KILL 20 ping -c 1 -W 2 -s 100 "$1" >/dev/null 2>&1
	case $? in
	0) got=passed ;;
	137) dusk_fail "ping $1 did not finish within 20 s" ;;
	*) got=dropped ;;
	esac
	[ "$got" = "$2" ] || dusk_fail "ping $1: $got, want $2"
	dusk_pass "ping $1: $got"
}

# counter TABLE CHAIN RULE: that rule's packet count.
counter() {
	n=$(ipt -t "$1" -L "$2" -v -x -n --line-numbers | awk -v r="$3" 'NR > 2 && $1 == r { print $2 }')
	echo "$1 $2 rule $3: $n packets"
}

for m in x_tables ip_tables iptable_filter iptable_mangle xt_dscp; do
	insmod "/dusk/mod/$m.ko" || dusk_fail "insmod $m"
done
ip link set lo up
dmesg -c >/dev/null
samples_load xttarget || dusk_fail "load xttarget"

m="-o lo -p icmp -d 127.0.0.1"
ipt -t mangle -A OUTPUT $m -j TOS --set-tos 0x10 || dusk_fail "iptables -j TOS --set-tos"
ipt -t mangle -A OUTPUT $m -m tos --tos 0x10 -j TOS --or-tos 0x04 || dusk_fail "iptables -j TOS --or-tos"
ipt -t mangle -A OUTPUT $m -m tos --tos 0x14 || dusk_fail "iptables -m tos (mangle)"
ipt -A INPUT -i lo -p icmp -m tos --tos 0x14 || dusk_fail "iptables -m tos (filter)"
ipt -A INPUT -i lo -p icmp -d 127.0.0.2 -j REJECT || dusk_fail "iptables -j REJECT"
dusk_pass "rules inserted"

ping_check 127.0.0.1 passed
ping_check 127.0.0.1 passed
ping_check 127.0.0.2 dropped
counter mangle OUTPUT 1
counter mangle OUTPUT 2
counter mangle OUTPUT 3
counter filter INPUT 1
counter filter INPUT 2

echo "== the rules deleted"
ipt -t mangle -F OUTPUT
ipt -F INPUT
ping_check 127.0.0.1 passed
ping_check 127.0.0.2 passed

if [ "${DUSK_MODE:-kernel}" = user ]; then
	# Not in the transcript (the kernel build has no such counters).
	answers=$(samples_kstat xttarget sync_answers)
	policy=$(samples_kstat xttarget sync_policy)
	[ "${answers:-0}" -gt 0 ] || dusk_fail "user build: no target answered by the program"
	[ "${policy:-1}" = 0 ] || dusk_fail "user build: $policy target calls answered by the policy"
fi

samples_unload xttarget
samples_logged "xttarget: REJECT 127.0.0.1 -> 127.0.0.2 proto 1 tos 0x00 hook 1"
dusk_dmesg_clean "after unload"
echo "xttarget: all checks passed"
