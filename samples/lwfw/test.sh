#!/bin/sh
# Real-kernel test of lwfw (guest script, run by scripts/vm-run).
#
# usage: test.sh [EXTRA_PARAM...]   (EXTRA_PARAMs go to every insmod; the
#                                    invert=1 run is expected to fail)
#
# Namespace a (10.0.1.2, behind ra) and b (10.0.2.2, behind rb) talk through
# the root namespace, where lwfw hooks PRE_ROUTING.  Three phases, one rule
# each; in each phase what the rule matches must be dropped, everything else
# must pass, and the drop count the module logs at unload must equal the
# packets sent into the rule.  A blocked TCP connect costs exactly two SYNs.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u
extra="$*"

dusk_netns_pair
samples_sink b tcp 5001
samples_sink b tcp 5002
samples_sink b udp 5001
samples_sink b udp 5002
samples_sink a udp 7000

echo "== malformed parameters are refused, with the module's reason"
# expect_refused PARAM REASON: loading with PARAM fails and lwfw says REASON.
expect_refused() {
	# shellcheck disable=SC2086
	if samples_load lwfw "$1" $extra 2>/dev/null; then
		samples_unload lwfw
		dusk_fail "insmod accepted $1"
	fi
	dmesg | grep -qF "lwfw: $2" || dusk_fail "$1 refused without saying '$2'"
	dusk_dmesg_clean "refused $1"
	dmesg -c >/dev/null
	dusk_pass "$1 refused: $2"
}
expect_refused deny_ip=10.0.300.1 "deny_ip=10.0.300.1 is not a dotted-quad IPv4 address"
expect_refused deny_if=an-interface-name-too-long \
	"deny_if=an-interface-name-too-long is longer than an interface name"

echo "== deny_port=5001"
# shellcheck disable=SC2086
samples_load lwfw deny_port=5001 $extra || dusk_fail "insmod deny_port"
samples_tcp_blocked a 10.0.2.2 5001
samples_tcp_ok a b 10.0.2.2 5002 'hello\n'
samples_udp a b 10.0.2.2 5001 3 0
samples_udp a b 10.0.2.2 5002 3 3
samples_unload lwfw
samples_logged "lwfw: dropped by port rule: 5"
samples_logged "lwfw: dropped by if rule: 0"
samples_logged "lwfw: dropped by ip rule: 0"

echo "== deny_if=ra"
# shellcheck disable=SC2086
samples_load lwfw deny_if=ra $extra || dusk_fail "insmod deny_if"
samples_udp a b 10.0.2.2 5002 3 0
samples_udp b a 10.0.1.2 7000 2 2
samples_unload lwfw
samples_logged "lwfw: dropped by if rule: 3"
samples_logged "lwfw: dropped by port rule: 0"
samples_logged "lwfw: dropped by ip rule: 0"

echo "== deny_ip=10.0.1.2"
# shellcheck disable=SC2086
samples_load lwfw deny_ip=10.0.1.2 $extra || dusk_fail "insmod deny_ip"
samples_udp a b 10.0.2.2 5002 4 0
samples_tcp_blocked a 10.0.2.2 5002
samples_udp b a 10.0.1.2 7000 2 2
samples_unload lwfw
samples_logged "lwfw: dropped by ip rule: 6"
samples_logged "lwfw: dropped by if rule: 0"
samples_logged "lwfw: dropped by port rule: 0"

echo "== after unload everything passes again"
samples_tcp_ok a b 10.0.2.2 5001 'hello\n'
samples_udp a b 10.0.2.2 5001 2 2

samples_stop_sinks
dusk_dmesg_clean
echo "lwfw: all checks passed"
