#!/bin/sh
# Guest half of the arm64 test (test.sh is the host half), in an arm64
# guest: lwfw's deny_port scenario twice, first with lwfw.ko (the
# reference: the module built for this kernel, run by it), then with
# dusk_lwfw.ko and dusk-relay here and lwfw's user build on the x86-64
# host, through QEMU's port forward.  Both runs must give the same verdicts
# (the checks below) and the same printk lines (compared at the end).
# The halves meet on the MARK lines this script prints.
#
# The relay listens in network namespace ctl, which owns the NIC: lwfw
# hooks init_net, and the relay's own traffic must not pass through the
# hook it serves.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u
. /dusk/files/relay-guest.sh

# what lwfw printed, without the loader's notes
lwfw_log() {
	dmesg | sed 's/^\[[^]]*\] //' | grep '^lwfw: ' |
		grep -v -e 'loading out-of-tree module taints kernel' -e 'module verification failed'
}

echo "guest: $(uname -m), $(uname -r)"
dusk_nic_up ctl
dusk_netns_pair
samples_sink b tcp 5001
samples_sink b tcp 5002
samples_sink b udp 5001
samples_sink b udp 5002
dmesg -c >/dev/null

echo "== lwfw.ko deny_port=5001 (the arm64 kernel runs the module)"
insmod /dusk/mod/lwfw.ko deny_port=5001 || dusk_fail "insmod lwfw.ko"
lwfw_verdicts
rmmod lwfw || dusk_fail "rmmod lwfw"
dusk_dmesg_clean "lwfw.ko"
lwfw_log >/tmp/ko.log
dmesg -c >/dev/null

echo "== lwfw's user build on the x86-64 host, dusk_lwfw.ko here"
# nf_timeout_ms: the gdb phase keeps a packet at a breakpoint on the host
# for seconds; its verdict must be the program's, not the timeout policy's
insmod /dusk/mod/dusk_lwfw.ko nf_timeout_ms=120000 || dusk_fail "insmod dusk_lwfw.ko"
dmesg -c >/dev/null
relay_serve lwfw ctl
echo "MARK relay ready"
wait_for "lwfw's module_init" logged 'lwfw: loaded: '
lwfw_verdicts
echo "MARK packets done"
wait_for "lwfw's module_exit" logged 'lwfw: unloaded'
dusk_dmesg_clean "dusk_lwfw.ko"
lwfw_log >/tmp/dusk.log
dmesg -c >/dev/null

# gdb on the host: the program stops at a lwfw.c line of the hook path
# while this datagram waits in the hook here; gdb continues, and the
# datagram gets the program's verdict (dropped; the policy would pass it).
echo "MARK gdb ready"
wait_for "lwfw under gdb" logged 'lwfw: loaded: '
samples_in a netprobe udp 10.0.2.2 5001 1 ping || dusk_fail "send"
echo "MARK gdb sent"
wait_for "lwfw's module_exit under gdb" logged 'lwfw: unloaded'
[ "$(samples_received b udp 5001)" -eq 0 ] || dusk_fail "the datagram passed: the verdict was lost"
logged 'lwfw: dropped by port rule: 1' || dusk_fail "module_exit did not count the drop"
dusk_pass "the datagram held at the host's breakpoint was dropped by the program's verdict"
dusk_dmesg_clean "gdb"
kill "$relay"
rmmod dusk_lwfw || dusk_fail "rmmod dusk_lwfw"
samples_stop_sinks

echo "--- printk of lwfw.ko"
cat /tmp/ko.log
echo "--- printk of the user build"
cat /tmp/dusk.log
grep -qxF 'lwfw: dropped by port rule: 5' /tmp/ko.log || dusk_fail "lwfw.ko did not drop 5 packets"
cmp -s /tmp/ko.log /tmp/dusk.log || dusk_fail "the user build's printk lines differ from lwfw.ko's"
dusk_pass "same verdicts and printk lines as lwfw.ko on arm64"
echo "--- relay log"
cat /tmp/relay.log
echo "relay-arm64: all checks passed"
