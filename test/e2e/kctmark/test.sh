#!/bin/sh
# Real-kernel test of kctmark (guest script, run by test/e2e/difftest in
# both builds: kctmark.ko, then the DUSK user build).
#
# One ping of two echoes over lo is one ICMP connection: its four packets
# reach the LOCAL_IN hook, which marks the connection 1, 2, 3, 4 (request
# and reply directions alternate; the reply was seen from the second on).
# The user build died at its first mark before (a write to the kernel's
# conntrack entry, refused).
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

dmesg -c >/dev/null
for m in crc32c_generic libcrc32c nf_defrag_ipv4 nf_defrag_ipv6 nf_conntrack; do
	insmod "/dusk/mod/$m.ko" || dusk_fail "insmod $m"
done
ip link set lo up
samples_load kctmark || dusk_fail "load kctmark"
ping -c 2 -i 0.2 -W 2 127.0.0.1 >/dev/null 2>&1 || dusk_fail "ping over lo"
got=$(timeout -s KILL 20 cat /proc/kctmark) || dusk_fail "reading /proc/kctmark"
echo "kctmark: $got"
want="packets 4: mark 1 dir 0 replied 0; mark 2 dir 1 replied 1; mark 3 dir 0 replied 1; mark 4 dir 1 replied 1;"
[ "$got" = "$want" ] || dusk_fail "/proc/kctmark says '$got'"
dusk_pass "four packets, the connection marked 1 to 4"
samples_unload kctmark
echo "kctmark: all checks passed"
