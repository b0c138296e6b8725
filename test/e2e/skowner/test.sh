#!/bin/sh
# Real-kernel test of skowner (guest script, run by test/e2e/difftest in
# both builds: skowner.ko, then the DUSK user build).
#
# One TCP connection over lo to a sink: the client shuts down writing (its
# FIN is sent by shutdown(), the socket stays), the sink closes when it
# has read everything (its FIN is sent by close(), which orphans the socket
# right after).  The module logs, for each FIN, the socket's state and the
# uid of its file: the kernel build reads them while the sender waits in
# the hook.  The user build must log the same: the owner as the hook saw
# it (dusk-kmod/core/skowner.c), not as the sender left it afterwards.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

ip link set lo up
dmesg -c >/dev/null
samples_load skowner || dusk_fail "load skowner"
samples_sink root tcp 5001
samples_tcp_ok root root 127.0.0.1 5001 hello
samples_stop_sinks
sleep 1
samples_unload skowner
samples_logged "skowner: FIN to 5001: sent by uid 0"
samples_logged "skowner: FIN from 5001: sent by uid 0"
echo "skowner: all checks passed"
