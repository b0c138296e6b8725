#!/bin/sh
# The fault-injection sweep of the three samples (guest script): each one's
# user build under `dusk-run --fail-sweep`, with a scenario that drives
# what it registered -- traffic through its hooks between namespaces a and
# b (dusk_netns_pair), reads of what it made in /proc -- so every call that
# can fail, in module_init, in a callback or in module_exit, fails once.
# Every run must be clean: no crash, hang, leak, registration left for the
# kmod to undo, kmod left loaded, or kernel Oops/BUG/WARNING.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
. /dusk/files/sweep-lib.sh
set -u

dusk_netns_pair
samples_sink b tcp 21
samples_sink b tcp 5002
samples_sink b tcp 6881
samples_sink b udp 5001
samples_sink b udp 6881
dmesg -c >/dev/null

# scenario NAME BODY: the scenario script of NAME's sweep (runs as its own
# sh, with the guest helpers).
scenario() {
	printf '. /dusk/lib.sh\n. /dusk/files/guest-lib.sh\n%s\n' "$2" >"/tmp/$1.scenario"
}

# sweep NAME RUNS [PARAM...]: sweep NAME's user build with its scenario;
# every run must be clean, and the sweep must take RUNS runs (each call that
# can fail, then one that fails nothing).
sweep() {
	name=$1 runs=$2
	shift 2
	sweep_module "$name" "/tmp/$name.scenario" 20 "$@"
	grep -q "sweep of $name: $runs runs, 0 not clean" "/tmp/$name.out" ||
		dusk_fail "the sweep of $name did not take $runs clean runs"
	grep -q "nothing failed ($((runs - 1)) calls can fail): loaded, scenario run, unloaded" \
		"/tmp/$name.out" || dusk_fail "$name's run without failures did not run its scenario"
	dusk_pass "$name: $runs runs, every one clean"
}

# lwfw drops UDP to port 5001 and lets the rest through.  Its one call
# that can fail: nf_register_net_hook() in module_init.
scenario lwfw "dusk_in a netprobe udp 10.0.2.2 5001 2 ping
dusk_in a netprobe udp 10.0.2.2 5002 2 ping
dusk_in a netprobe tcp 10.0.2.2 5002 'hello\n'"
sweep lwfw 2 deny_port=5001

# nfsniff captures a login to port 21 and answers the magic echo request
# with it (its PRE_ROUTING hook rewrites and sends the packet itself).
# Calls that can fail: nf_register_net_hooks() in module_init and the hook's
# skb_ensure_writable() (which, failed, leaves the pair for the second ping).
scenario nfsniff "dusk_in a netprobe tcp 10.0.2.2 21 'USER alice\r\nPASS secret\r\n'
dusk_in a magicping 10.0.1.1
dusk_in a magicping 10.0.1.1"
sweep nfsniff 3

# ipp2p counts a BitTorrent handshake and DHT query in /proc/ipp2p.  Calls
# that can fail: proc_create() and nf_register_net_hook() in module_init,
# single_open() in each open of /proc/ipp2p.
scenario ipp2p "cat /proc/ipp2p
dusk_in a netprobe tcp 10.0.2.2 6881 '\x13BitTorrent protocol\0\0\0\0\0\0\0\0infohash-infohash-12peer-id-peer-id-1234'
dusk_in a netprobe udp 10.0.2.2 6881 1 'd1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe'
cat /proc/ipp2p"
sweep ipp2p 5

samples_stop_sinks
echo "fail-sweep-samples: all checks passed"
