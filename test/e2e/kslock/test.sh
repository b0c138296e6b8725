#!/bin/sh
# Real-kernel test of kslock (guest script, run by test/e2e/difftest in
# both builds): a kernel UDP socket set up under lock_sock_fast() and
# lock_sock() takes what was set and carries a datagram to itself.  In the
# user build __lock_sock_fast() is answered on its slow path (the socket
# owned, dusk-kmod/core/socklock.c); before, the call returned to the
# program holding the socket's spinlock with bottom halves off and the next
# lock_sock() of the socket spun for ever.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

dmesg -c >/dev/null
ip link set lo up
samples_load kslock || dusk_fail "load kslock"
samples_unload_within kslock 30
samples_logged "kslock: priority set under lock_sock_fast: 3"
samples_logged "kslock: mark set under lock_sock: 7"
samples_logged 'kslock: received 6 "locked"'
samples_logged "kslock: released"
dusk_dmesg_clean kslock
echo "kslock: all checks passed"
