#!/bin/sh
# kpkttype's user build: a device deleted while its packets wait for the
# program (guest script).
#
# In the kernel build a packet_type handler runs in the receive softirq,
# where the device it is given is alive.  The user build runs it later: a
# device deleted meanwhile was freed, and the handler read (and could pass
# to kernel functions) freed memory -- here it counted the echoes of a
# deleted veth pair as if they came in on a device of another name.  The
# kmod now holds the handler's devices until the program answers:
# deleting them waits for the stopped program (outside RTNL), its handlers
# then see the devices they were given; a program killed meanwhile lets the
# deletion finish too.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=20

# veth_pair: dka here, dkb in netns dkn, 10.0.9.1 and .2, the ARP settled
# by one counted echo each way.
veth_pair() {
	ip netns add dkn 2>/dev/null
	ip link add dka type veth peer name dkb netns dkn || dusk_fail "ip link add dka"
	ip addr add 10.0.9.1/24 dev dka
	ip link set dka up
	dusk_in dkn /usr/sbin/ip addr add 10.0.9.2/24 dev dkb
	dusk_in dkn /usr/sbin/ip link set lo up
	dusk_in dkn /usr/sbin/ip link set dkb up
	pings 1
}

# pings N: N echo requests of 123 payload bytes to dkb.
pings() {
	timeout -s KILL 30 ping -c "$1" -i 0.2 -W 3 -s 123 10.0.9.2 >/dev/null 2>&1 ||
		dusk_fail "ping -c $1 10.0.9.2 failed"
}

# delete_in_background: delete the pair; /tmp/del.done once it returned.
delete_in_background() {
	rm -f /tmp/del.done
	(ip link del dka; echo "$?" >/tmp/del.done) &
}

# wait_deleted WHAT: the deletion returned within LIMIT seconds, and well.
wait_deleted() {
	i=0
	until [ -e /tmp/del.done ]; do
		i=$((i + 1))
		[ $i -le $((LIMIT * 10)) ] || dusk_fail "ip link del dka still waits ${LIMIT}s $1"
		sleep 0.1
	done
	[ "$(cat /tmp/del.done)" = 0 ] || dusk_fail "ip link del dka failed $1"
	dusk_pass "the pair was deleted $1"
}

dmesg -c >/dev/null
samples_user_start kpkttype size=123 prefix=dk
pid=$(samples_pids kpkttype)
[ -n "$pid" ] || dusk_fail "the program is not running"
veth_pair
dusk_wait_proc /proc/kpkttype "requests 1 replies 1 on dk 2"

echo "== deleted while the program is stopped"
# shellcheck disable=SC2086
kill -STOP $pid
pings 5
delete_in_background
sleep 3
[ ! -e /tmp/del.done ] || dusk_fail "the deletion did not wait for the stopped program's handlers"
dusk_pass "the deletion waits for the stopped program's handlers"
# shellcheck disable=SC2086
kill -CONT $pid
wait_deleted "once the program went on"
dusk_wait_proc /proc/kpkttype "requests 6 replies 6 on dk 12"
dusk_dmesg_clean "after the deletion"

echo "== deleted while the program is stopped, then killed"
veth_pair
dusk_wait_proc /proc/kpkttype "requests 7 replies 7 on dk 14"
# shellcheck disable=SC2086
kill -STOP $pid
pings 5
delete_in_background
sleep 1
# shellcheck disable=SC2086
kill -KILL $pid
wait_deleted "once the program was killed"
samples_wait_unloaded kpkttype
dusk_dmesg_clean "after SIGKILL"
dusk_pass "dmesg clean"
