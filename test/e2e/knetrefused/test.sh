#!/bin/sh
# knetrefused's user build (guest script): a netdev ingress hook, an ARP
# hook (in an array with an IPv4 one), a device with header_ops of its own
# and a conntrack event notifier cannot run in a user build.  The first
# three are refused with -EOPNOTSUPP, named in the kernel log; the
# notifier's registration returns nothing, so the program stops at it,
# naming the call; the kmod unloads and the log stays clean.  Before
# (probe round p64) all four registered: the hooks and ct_event never ran
# (answered at once with the policy verdict or -EWOULDBLOCK), and every
# packet the device sent was dropped unsent by its header_ops->create()'s
# -EWOULDBLOCK.
. /dusk/lib.sh
set -u

dmesg -c >/dev/null
for m in crc32c_generic libcrc32c nf_defrag_ipv4 nf_defrag_ipv6 nf_conntrack; do
	insmod "/dusk/mod/$m.ko" || dusk_fail "insmod $m"
done
insmod /dusk/mod/dusk_knetrefused.ko || dusk_fail "insmod dusk_knetrefused"
if /dusk/bin/knetrefused >/tmp/p.log 2>&1; then
	cat /tmp/p.log
	dusk_fail "the user build loaded"
fi
grep -q 'kernel call nf_conntrack_register_notifier failed: Operation not supported at .*knetrefused.c' /tmp/p.log ||
	{ cat /tmp/p.log; dusk_fail "the program did not stop at the notifier's registration"; }
dusk_pass "the program stopped at nf_conntrack_register_notifier(), naming it"
logged() {
	dmesg | grep -q "$1" || { dmesg; dusk_fail "not so: $2"; }
	dusk_pass "$2"
}
logged 'nf_register_net_hook: Netfilter hooks of families other than IPv4, IPv6 and bridge' \
	"the ingress hook's refusal is named in the kernel log"
logged 'nf_register_net_hooks: Netfilter hooks of families other than' \
	"the ARP hook's refusal is named in the kernel log"
logged 'register_netdev: network device header_ops of the module.s own cannot run' \
	"the device's refusal is named in the kernel log"
logged 'nf_conntrack_register_notifier: conntrack event notifiers cannot run' \
	"the notifier's refusal is named in the kernel log"
logged 'knetrefused: ingress hook: -95' "the module saw -EOPNOTSUPP for the ingress hook"
logged 'knetrefused: arp hooks: -95' "the module saw -EOPNOTSUPP for the ARP hook"
logged 'knetrefused: device: -95' "the module saw -EOPNOTSUPP for the device"
dmesg | grep -q 'knetrefused: conntrack notifier registered' && dusk_fail "the notifier registered"
ip link show knr0 >/dev/null 2>&1 && dusk_fail "the device knr0 exists"
rmmod dusk_knetrefused || dusk_fail "rmmod dusk_knetrefused"
dusk_dmesg_clean knetrefused
dusk_pass "the kernel log is clean"
echo "knetrefused: all checks passed"
