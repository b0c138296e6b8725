# Helpers for DUSK guest scripts (copied to /dusk/lib.sh in the VM).
# Source it:  . /dusk/lib.sh
#
# Topology helper: dusk_netns_pair builds
#     netns a (10.0.1.2) --veth a0/ra-- [root ns: router] --veth rb/b0-- netns b (10.0.2.2)
# with the root namespace forwarding between 10.0.1.1 (ra) and 10.0.2.1 (rb),
# so traffic from a to b crosses init_net's PRE_ROUTING, FORWARD and
# POST_ROUTING hooks — where modules registered on &init_net act.
# Run a command in a namespace with:  dusk_in a CMD...

# Busybox's shell prefers its own applets; its `ip` lacks netns support.
ip() { /usr/sbin/ip "$@"; }

dusk_fail() { echo "FAIL: $*"; exit 1; }
dusk_pass() { echo "ok: $*"; }

dusk_in() { ns=$1; shift; ip netns exec "$ns" "$@"; }

# dusk_read_proc [-j] FILE: FILE's contents in $got (-j: its lines joined
# by spaces), read within $LIMIT seconds (default 20: a callback of the
# user build blocks at most DUSK's block_timeout_ms, 10 s).  A read that
# hangs or fails ends the test, the file named.
dusk_read_proc() {
	_join=''
	[ "$1" != -j ] || { _join=1; shift; }
	timeout -s KILL "${LIMIT:-20}" cat "$1" >/tmp/got 2>/tmp/err
	_rc=$?
	[ $_rc -ne 137 ] || dusk_fail "reading $1 did not finish within ${LIMIT:-20}s"
	[ $_rc -eq 0 ] || dusk_fail "reading $1 failed (status $_rc): $(cat /tmp/err)"
	if [ -n "$_join" ]; then
		got=$(tr '\n' ' ' </tmp/got)
		got=${got% }
	else
		got=$(cat /tmp/got)
	fi
}

# dusk_wait_proc [-j] FILE WANT: until FILE says WANT (as dusk_read_proc
# reads it), for 10 s: what a callback run late in the program shows.
dusk_wait_proc() {
	_j=''
	[ "$1" != -j ] || { _j=-j; shift; }
	_i=0
	until dusk_read_proc $_j "$1" && [ "$got" = "$2" ]; do
		_i=$((_i + 1))
		[ $_i -le 100 ] || dusk_fail "$1 says '$got', want '$2'"
		sleep 0.1
	done
	dusk_pass "$1 says '$got'"
}

# dusk_wait_dmesg TEXT: until the kernel log shows TEXT (a fixed string),
# within $LIMIT seconds (default 20).
dusk_wait_dmesg() {
	_i=0
	until dmesg | grep -qF "$1"; do
		_i=$((_i + 1))
		[ $_i -le $((${LIMIT:-20} * 10)) ] || dusk_fail "no '$1' in the kernel log"
		sleep 0.1
	done
	dusk_pass "logged '$1'"
}

dusk_netns_pair() {
	ip netns add a
	ip netns add b
	ip link add ra type veth peer name a0 netns a
	ip link add rb type veth peer name b0 netns b
	ip addr add 10.0.1.1/24 dev ra
	ip addr add 10.0.2.1/24 dev rb
	ip link set ra up
	ip link set rb up
	dusk_in a /usr/sbin/ip addr add 10.0.1.2/24 dev a0
	dusk_in b /usr/sbin/ip addr add 10.0.2.2/24 dev b0
	dusk_in a /usr/sbin/ip link set lo up
	dusk_in b /usr/sbin/ip link set lo up
	dusk_in a /usr/sbin/ip link set a0 up
	dusk_in b /usr/sbin/ip link set b0 up
	# rto_min 3s: under TCG a packet that waits for a user-level hook may be
	# held longer than TCP's 200 ms minimum RTO; a spurious retransmission
	# would be a second packet for the module to see.  Tests compare what
	# modules see, so keep TCP from retransmitting over a slow hook.
	dusk_in a /usr/sbin/ip route add default via 10.0.1.1 rto_min 3s
	dusk_in b /usr/sbin/ip route add default via 10.0.2.1 rto_min 3s
	ip route replace 10.0.1.0/24 dev ra proto kernel scope link src 10.0.1.1 rto_min 3s
	ip route replace 10.0.2.0/24 dev rb proto kernel scope link src 10.0.2.1 rto_min 3s
	echo 1 >/proc/sys/net/ipv4/ip_forward
	# Let the first ping's ARP settle so timing-sensitive checks are fair.
	dusk_in a ping -c 1 -W 2 10.0.2.2 >/dev/null 2>&1 || true
}

# dusk_nic_up [NETNS]: bring up the NIC of vm-run -p as 10.0.77.15/24
# (QEMU's user-mode network; the host is 10.0.77.2), in network namespace
# NETNS if given (created if missing), so that a Netfilter module under
# test in init_net does not see the forwarded connections.
dusk_nic_up() {
	[ -e /sys/class/net/eth0 ] || dusk_fail "no eth0: was the VM started with vm-run -p?"
	if [ -n "${1:-}" ]; then
		[ -e "/run/netns/$1" ] || ip netns add "$1"
		ip link set eth0 netns "$1"
		dusk_in "$1" /usr/sbin/ip link set lo up
		dusk_in "$1" /usr/sbin/ip addr add 10.0.77.15/24 dev eth0
		dusk_in "$1" /usr/sbin/ip link set eth0 up
	else
		ip addr add 10.0.77.15/24 dev eth0
		ip link set eth0 up
	fi
}

# dusk_dmesg_troubled: the kernel log holds a complaint (an oops, a
# warning, a BUG, a SLUB report, a lockup).
dusk_dmesg_troubled() {
	dmesg | grep -qE 'Oops|WARNING:|BUG:|BUG [-a-z0-9_:]+ \(|Call Trace|soft lockup|general protection'
}

# dusk_dmesg_clean [LABEL]: fail if the kernel reported an oops, a WARN, a
# BUG or a soft lockup since boot.
dusk_dmesg_clean() {
	if dusk_dmesg_troubled; then
		echo "FAIL: kernel trouble in dmesg${1:+ ($1)}:"
		dmesg | tail -n 60
		exit 1
	fi
}

# dusk_tcp_ok NS HOST PORT: a TCP connection from NS to HOST:PORT succeeds
# and carries a line (a listener must be running: dusk_tcp_listen).
dusk_tcp_listen() { # NS PORT OUTFILE  (background; one connection)
	ip netns exec "$1" nc -l -p "$2" >"$3" 2>/dev/null &
	sleep 0.3
}
dusk_tcp_send() { # NS HOST PORT TEXT  -> 0 when delivered
	echo "$4" | ip netns exec "$1" nc -w 2 "$2" "$3" >/dev/null 2>&1
}

# dusk_dump_tasks: where every task that sleeps in the kernel waits (its
# kernel stack), the blocked ones by sysrq-w too, and the kernel log's tail:
# what a hang needs to be understood from a log.
dusk_dump_tasks() {
	echo "----- tasks asleep in the kernel -----"
	for _t in /proc/[0-9]*/task/[0-9]*; do
		_st=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "$_t/status" 2>/dev/null)
		case "$_st" in D|S) ;; *) continue ;; esac
		_stack=$(cat "$_t/stack" 2>/dev/null) || continue
		# kernel threads idling, a shell waiting for its child: not news
		case "$_stack" in
		*process_one_work*|*dusk*) ;;
		*kthread+*|*do_wait*) continue ;;
		esac
		echo "$_t $(cat "$_t/comm" 2>/dev/null) $_st:"
		echo "$_stack"
	done
	echo w >/proc/sysrq-trigger 2>/dev/null
	for _s in /sys/kernel/debug/dusk*/stats; do
		[ -r "$_s" ] && { echo "----- $_s -----"; cat "$_s"; }
	done
	echo "----- kernel log, last 80 lines -----"
	dmesg | tail -n 80
}

# dusk_wait_pid PID SECONDS WHAT: wait for the background process PID, its
# exit status in $?; one still running after SECONDS is a hang: the tasks
# are dumped (dusk_dump_tasks) and the test fails naming WHAT, instead of
# running into the VM's timeout with nothing said.
dusk_wait_pid() {
	_i=0
	while kill -0 "$1" 2>/dev/null; do
		_i=$((_i + 1))
		if [ $_i -gt $(($2 * 10)) ]; then
			dusk_dump_tasks
			dusk_fail "$3 still running after $2 s"
		fi
		sleep 0.1
	done
	wait "$1"
}
