#!/bin/sh
# Real-kernel test of kvoidlate (guest script, run by test/e2e/difftest in
# both builds): the module's console is handed the kernel's lines under
# console_unlock() with interrupts off, its net device's ndo_set_rx_mode
# is called under the address lock as the device goes up and its flags
# and multicast list change, its kernel UDP socket's sk_data_ready in the
# receive softirq for each datagram sent to it.  What both saw is read from /proc/kvoidlate
# once it settles (the user build runs them late: dusk-kmod/core/voidlate.c).
# Before, the user build's console kept no line and ndo_set_rx_mode never
# ran (probe round p60).
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

# show WANT: print /proc/kvoidlate once it holds the line WANT (at most 10 s)
show() {
	i=0
	until grep -qx "$1" /proc/kvoidlate; do
		i=$((i + 1))
		[ $i -le 100 ] || break
		sleep 0.1
	done
	cat /proc/kvoidlate
}

# consoles are handed the lines below the console log level: info too
dmesg -n 7
ip link set lo up
samples_load kvoidlate || dusk_fail "load kvoidlate"
echo "kvoidlate: a line from user space" >/dev/kmsg
show "kvoidlate: a line from user space"
ip link set kvl0 up || dusk_fail "kvl0 up"
show "rx_mode ran: yes"
ip link set kvl0 promisc on
show "promisc: 1, allmulti: 0"
ip link set kvl0 allmulticast on
show "promisc: 1, allmulti: 1"
ip maddr add 01:00:5e:00:00:42 dev kvl0 || dusk_fail "ip maddr add"
show "multicast addresses: 3, last 01:00:5e:00:00:42"
ip link set kvl0 promisc off
ip link set kvl0 allmulticast off
show "promisc: 0, allmulti: 0"
echo 3 >/proc/kvoidlate || dusk_fail "send 3 datagrams"
show "datagrams seen by sk_data_ready: 3"
echo "kvoidlate: the last line" >/dev/kmsg
show "kvoidlate: the last line"
samples_unload_within kvoidlate 30
dmesg -n 4
samples_logged "kvoidlate: console kvcon registered"
dusk_dmesg_clean kvoidlate
echo "kvoidlate: all checks passed"
