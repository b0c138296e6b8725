#!/bin/sh
# Real-kernel test of kskb (guest script, run by test/e2e/difftest in both
# builds: kskb.ko, then the DUSK user build).
#
# Everything happens in module_init and module_exit: the transcript is the
# module's log, the packets it built, copied, moved and handed over.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

dmesg -c >/dev/null
samples_load kskb || dusk_fail "load kskb"
dusk_pass "loaded"
samples_unload_within kskb 20
samples_logged "kskb: dev_queue_xmit: 0"
samples_logged "kskb: ip_local_out: 0"
sleep 1
# SLUB checks the poison of free objects only when it hands them out again:
# validate the cache now, so a write into a freed sk_buff (a packet freed
# twice) is reported here
echo 1 >/sys/kernel/slab/skbuff_head_cache/validate 2>/dev/null
dusk_dmesg_clean kskb
dusk_pass "nothing freed twice: the kernel log is clean"
echo "kskb: all checks passed"
