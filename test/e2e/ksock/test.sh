#!/bin/sh
# Real-kernel test of ksock (guest script, run by test/e2e/difftest in
# both builds: ksock.ko, then the DUSK user build).  Kernel sockets whose
# struct sock the module set up: receive timeouts took, data went through.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

dmesg -c >/dev/null
ip link set lo up
samples_load ksock || dusk_fail "load ksock"
samples_unload ksock
printf '%s\n' "$samples_log" | grep -q '^ksock: udp empty receive: -11$' ||
	dusk_fail "the UDP socket's sk_rcvtimeo did not take"
printf '%s\n' "$samples_log" | grep -q '^ksock: udp receive: 8 "datagram", user data kept, timeouts 25 250$' ||
	dusk_fail "the datagram or the socket's fields are wrong"
printf '%s\n' "$samples_log" | grep -q '^ksock: tcp empty receive: -11$' ||
	dusk_fail "the accepted socket's sk_rcvtimeo did not take"
printf '%s\n' "$samples_log" | grep -q '^ksock: tcp receive: 6 "stream", reuse 1$' ||
	dusk_fail "the stream did not go through"
dusk_pass "kernel sockets set up through their struct sock"
echo "ksock: all checks passed"
