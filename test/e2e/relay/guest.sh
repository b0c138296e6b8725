#!/bin/sh
# Guest half of the relay test (test.sh is the host half): dusk_lwfw.ko and
# dusk-relay run here, lwfw's user build runs on the host and reaches this
# kernel through QEMU's port forward.  The halves meet on the MARK lines
# this script prints (the host reads them from vm-run -o as they come).
#
# The relay listens in network namespace ctl, which owns the NIC: lwfw
# hooks init_net, and the relay's own traffic must not pass through the
# hook it serves (each of its packets would be an upcall).
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u
. /dusk/files/relay-guest.sh

dusk_nic_up ctl
dusk_netns_pair
samples_sink b tcp 5001
samples_sink b tcp 5002
samples_sink b udp 5001
samples_sink b udp 5002
insmod /dusk/mod/dusk_lwfw.ko || dusk_fail "insmod dusk_lwfw.ko"
dmesg -c >/dev/null
relay_serve lwfw ctl
echo "MARK relay ready"

# The host: refusals (nothing reaches the kernel), then lwfw deny_port=5001.
wait_for "lwfw's module_init" logged 'lwfw: loaded: '
dusk_pass "module_init's printk here: $(dmesg | grep -o 'lwfw: loaded: .*')"
lwfw_verdicts
echo "MARK packets done"

# The host stops the program: module_exit runs there, its printk here.
wait_for "lwfw's module_exit" logged 'lwfw: unloaded'
samples_log=$(dmesg | sed 's/^\[[^]]*\] //' | grep '^lwfw: ')
samples_logged "lwfw: dropped by port rule: 5"
samples_logged "lwfw: dropped by if rule: 0"
samples_logged "lwfw: dropped by ip rule: 0"
dusk_dmesg_clean "after module_exit"
dmesg -c >/dev/null
echo "MARK stopped"

# The host runs it again and kills it (SIGKILL): the client's connection
# ends, the relay closes the session's socket, the kmod undoes the session
# as for a program that died here.
wait_for "the second run" logged 'lwfw: loaded: '
[ -d /sys/module/lwfw ] || dusk_fail "/sys/module/lwfw missing while the program runs"
echo "MARK loaded again"
wait_for "the session's teardown" test ! -d /sys/module/lwfw
dusk_pass "client killed: the session is torn down (/sys/module/lwfw removed)"
samples_udp a b 10.0.2.2 5001 2 2
samples_stop_sinks

# What the relay said of each client.
grep -q 'refused: this relay serves module lwfw, not ipp2p' /tmp/relay.log ||
	dusk_fail "the relay did not refuse ipp2p"
grep -q 'refused: busy: another client' /tmp/relay.log || dusk_fail "the relay did not refuse a second client"
grep -q 'left during authentication' /tmp/relay.log || dusk_fail "the wrong key got past the relay"
kill "$relay"
dusk_dmesg_clean
rmmod dusk_lwfw || dusk_fail "rmmod dusk_lwfw"
echo "--- relay log"
cat /tmp/relay.log
echo "relay: all checks passed"
