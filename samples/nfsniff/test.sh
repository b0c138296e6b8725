#!/bin/sh
# Real-kernel test of nfsniff (guest script, run by scripts/vm-run).
#
# usage: test.sh [EXTRA_PARAM...]   (EXTRA_PARAMs go to insmod; the
#                                    ftp_port=2121 run is expected to fail)
#
# Namespace a (10.0.1.2) logs in to an "FTP server" (a netprobe sink on port
# 21) in namespace b (10.0.2.2) through the root namespace, where nfsniff
# watches POST_ROUTING.  Then a sends the magic echo request to the router
# (10.0.1.1) and must get back "10.0.2.2 USER PASS", exactly once; without a
# captured pair it gets an ordinary echo of its zero payload, "(empty)".
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

dusk_netns_pair
samples_sink b tcp 21
samples_sink b tcp 2121

# expect_magic WANT: the magic ping from a to the router answers WANT.
expect_magic() {
	got=$(dusk_in a magicping 10.0.1.1) || dusk_fail "magicping failed ($?): $got"
	[ "$got" = "$1" ] || dusk_fail "magic echo answered '$got', want '$1'"
	dusk_pass "magic echo answered '$1'"
}

samples_load nfsniff "$@" || dusk_fail "insmod nfsniff"

echo "== nothing captured yet: an ordinary echo"
expect_magic "(empty)"
got=$(dusk_in a magicping -c 0 10.0.1.1) || dusk_fail "plain ping failed"
[ "$got" = "(empty)" ] || dusk_fail "a plain echo request answered '$got'"
dusk_pass "a plain echo request is left alone"

echo "== USER and PASS in one segment"
samples_tcp_ok a b 10.0.2.2 21 'USER alice\r\nPASS secret\r\nQUIT\r\n'
echo "== a magic request too short for the answer gets an ordinary echo"
got=$(dusk_in a magicping -s 40 10.0.1.1) || dusk_fail "short magicping failed"
[ "$got" = "(empty)" ] || dusk_fail "a short magic request answered '$got'"
dusk_pass "a short magic request is left alone"
expect_magic "10.0.2.2 alice secret"
echo "== the pair is forgotten once sent"
expect_magic "(empty)"

echo "== USER and PASS in separate segments"
samples_tcp_ok a b 10.0.2.2 21 'USER bob\r\n' 'PASS hunter2\r\n'
echo "== a login on another port is not captured"
samples_tcp_ok a b 10.0.2.2 2121 'USER eve\r\n' 'PASS nope\r\n'
echo "== a PASS without its USER does not complete a pair"
samples_tcp_ok a b 10.0.2.2 21 'PASS orphan\r\n'
expect_magic "10.0.2.2 bob hunter2"
expect_magic "(empty)"

echo "== a login from the router itself (local output, process context)"
samples_tcp_ok root b 10.0.2.2 21 'USER root\r\nPASS toor\r\n'
expect_magic "10.0.2.2 root toor"

samples_unload nfsniff
echo "== unloaded: the magic request is an ordinary echo again"
samples_tcp_ok a b 10.0.2.2 21 'USER carol\r\nPASS late\r\n'
expect_magic "(empty)"

samples_stop_sinks
dusk_dmesg_clean nfsniff
echo "nfsniff: all checks passed"
