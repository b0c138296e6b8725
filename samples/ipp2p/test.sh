#!/bin/sh
# Real-kernel test of ipp2p (guest script, run by scripts/vm-run).
#
# usage: test.sh [EXTRA_PARAM...]   (EXTRA_PARAMs go to insmod; the
#                                    scan_udp=0 run is expected to fail)
#
# Namespace a (10.0.1.2) sends known numbers of each signature, and traffic
# that must not match, to sinks in namespace b (10.0.2.2) through the root
# namespace, where ipp2p watches POST_ROUTING.  Every TCP exchange carries
# exactly one payload segment.  /proc/ipp2p and the counts logged at unload
# must equal what was sent.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

dusk_netns_pair
samples_sink b tcp 6881
samples_sink b udp 6881

# expect_proc WANT: /proc/ipp2p reads exactly WANT.
expect_proc() {
	got=$(cat /proc/ipp2p) || dusk_fail "cannot read /proc/ipp2p"
	if [ "$got" != "$1" ]; then
		printf 'got:\n%s\nwant:\n%s\n' "$got" "$1"
		dusk_fail "/proc/ipp2p differs"
	fi
	dusk_pass "/proc/ipp2p: $(echo $got)"
}

tcp() { samples_tcp_ok a b 10.0.2.2 6881 "$@"; }
udp() { samples_udp a b 10.0.2.2 6881 "$1" "$1" "$2"; }

samples_load ipp2p "$@" || dusk_fail "insmod ipp2p"
expect_proc "bittorrent 0
edonkey 0
gnutella 0
directconnect 0"

echo "== peer-to-peer traffic"
# BitTorrent: 2 handshakes, 1 tracker announce, 3 DHT queries ...
tcp '\x13BitTorrent protocol\0\0\0\0\0\0\0\0infohash-infohash-12peer-id-peer-id-1234'
tcp '\x13BitTorrent protocol\0\0\0\0\0\x10\0\x05infohash-infohash-34peer-id-peer-id-5678'
tcp 'GET /announce?info_hash=%12%34&peer_id=x HTTP/1.0\r\n\r\n'
udp 3 'd1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe'
# ... and 1 handshake sent by the router itself (local output).
samples_tcp_ok root b 10.0.2.2 6881 '\x13BitTorrent protocol\0\0\0\0\0\0\0\0local'
# eDonkey: 2 TCP hellos (length field = 6 = payload - 5), 2 UDP server pings.
tcp '\xe3\x06\x00\x00\x00\x01hello'
tcp '\xc5\x06\x00\x00\x00\x01howdy'
udp 2 '\xe3\x96\x01\x02\x03\x04'
# Gnutella: 2 handshakes.
tcp 'GNUTELLA CONNECT/0.6\r\nUser-Agent: dusk\r\n\r\n'
tcp 'GNUTELLA/0.6 200 OK\r\n\r\n'
# Direct Connect: 1 command.
tcp '$MyNick alice|'

echo "== traffic that must not match"
tcp 'GET / HTTP/1.0\r\n\r\n'
tcp '\xe3\x09\x00\x00\x00\x01hello'
tcp '$MyNick alice'
udp 3 'hello, world'
udp 1 '\xe3\x01\x02'

expect_proc "bittorrent 7
edonkey 4
gnutella 2
directconnect 1"

samples_unload ipp2p
[ ! -e /proc/ipp2p ] || dusk_fail "/proc/ipp2p outlived the module"
samples_logged "ipp2p: bittorrent packets: 7"
samples_logged "ipp2p: edonkey packets: 4"
samples_logged "ipp2p: gnutella packets: 2"
samples_logged "ipp2p: directconnect packets: 1"

samples_stop_sinks
dusk_dmesg_clean ipp2p
echo "ipp2p: all checks passed"
