#!/bin/sh
# Guest script of scripts/corpus-difftest: load one module once as NAME.ko
# and once as its user build, in one boot, and print both transcripts:
# whether the load succeeded, what its parameters in /sys/module/NAME read
# as, what each new /proc, /proc/sys, /dev, /sys/kernel, /sys/class and
# configfs entry it made reads as (bounded) after two pings over lo and
# one in a network namespace made and deleted meanwhile, what
# writing to them does (a
# number to each file, then each read again; a child made in each new
# configfs group), what each new character device answers to poll, a
# non-blocking read and mmap (devprobe), then the lines the kernel log
# gained; a filesystem it registers is mounted, its files read and
# written; a network interface it makes is brought up and pinged through;
# a netlink protocol it makes is sent a request (nlprobe).  Self-testing
# modules (lib/test_*.c) test on load and print their verdict.
#   module.sh NAME        (DEPS: modules to insmod first, in order)
. /dusk/lib.sh
set -u
name=$1
LIMIT=${SELFTEST_LIMIT:-60}

# The module's kernel-log lines, with what differs between any two runs
# (timestamps, hashed pointers, durations, input, rfkill, extcon and
# regulator device numbers) made equal; not the kernel's
# once-a-boot notes that the first build's run alone gets (Debian's
# pointer to its firmware page after the first missing file, the block
# layer's note on a disk's obsolete stable_pages_required attribute).
log_lines() {
	dmesg | sed 's/^\[[^]]*\] //' |
		grep -v -e 'taints kernel' -e 'module verification failed' -e 'hrtimer: interrupt took' \
			-e '^dusk' -e 'dusk_' -e 'wiki.debian.org/Firmware' \
			-e 'stable_pages_required attribute has been removed' |
		sed -E -e 's/0x[0-9a-f]+/0x…/g' -e 's/\b[0-9a-f]{16}\b/…/g' -e 's/\binput[0-9]+/inputN/g' \
			-e 's/\b(rfkill|extcon)[0-9]+/\1N/g' -e 's/\bregulator\.[0-9]+/regulator.N/g' \
			-e 's/[0-9]+(\.[0-9]+)? ?(ns|us|usec|µs|ms|msec|sec|s|jiffies|cycles)\b/N \2/g'
	dmesg -c >/dev/null
}

# What a module adds under /proc (not per-process), /dev, /sys/kernel,
# /sys/class (a class, or a device in an existing class), configfs and
# debugfs (both mounted below; not the user build's kmod's own folder).
entries() {
	{ ls -d /proc/[!0-9]* /proc/net/* /proc/sys/*/* /dev/* /sys/kernel/* \
		/sys/class/* /sys/class/*/* /sys/kernel/config/* /sys/kernel/debug/* 2>/dev/null; } |
		grep -v -e '^/proc/self' -e '^/proc/thread-self' -e '^/proc/sys$' \
			-e '^/proc/kmsg$' -e '^/proc/kcore$' -e '^/dev/kmsg$' \
			-e '^/sys/kernel/debug/dusk_' | sort
}

# new_files BEFORE: the new entries and, in new folders, what they hold.
# A class's devices are links to their folders: a new one is listed with
# its attributes (one level: not its power/ or its links' targets), but
# for the ones that differ between any two loads (a disk's I/O times and
# its global sequence number, its uevent's DISKSEQ masked too; a network interface's index, which the
# second build's interface gets anew: its uevent's IFINDEX is masked; an
# rfkill switch's index, never given twice in a boot; a
# wakeup source's times in ms, uptime and durations of its activity, and
# its active_count, which counts events that did not fall into an active
# period: a power supply's).
new_files() {
	entries >/tmp/after
	grep -vxF -f "$1" /tmp/after | while read -r e; do
		case $e in
		/sys/class/*/*) [ -d "$e" ] && find -H "$e" -maxdepth 1 | sort ;;
		/sys/class/*) [ -d "$e" ] && find "$e" -maxdepth 1 | sort ;;
		*) if [ -d "$e" ]; then find "$e" | sort; else echo "$e"; fi ;;
		esac
	done | awk '!seen[$0]++' | grep -v -e '^/sys/class/.*/stat$' -e '^/sys/class/.*/inflight$' \
		-e '^/sys/class/.*/diskseq$' -e '^/sys/class/net/.*/ifindex$' -e '^/sys/class/net/.*/iflink$' -e '^/sys/class/rfkill/.*/index$' \
		-e '^/sys/class/wakeup/.*_ms$' -e '^/sys/class/wakeup/.*/active_count$'
}

# show ENTRY: a bounded page of it, or that it is a folder.
show() {
	if [ -d "$1" ]; then echo "dir $1"; return; fi
	echo "$1:"
	timeout 5 head -c 4096 "$1" 2>&1 |
		sed -e 's/^IFINDEX=[0-9]*$/IFINDEX=N/' -e 's/^DISKSEQ=[0-9]*$/DISKSEQ=N/' -e 's/^/  /'
}

# read_new BEFORE: read every new entry.
read_new() {
	new_files "$1" >/tmp/new
	while read -r e; do show "$e"; done </tmp/new
}

# write_one FILE: write a number to it, say whether that took, read it again.
write_one() {
	if echo 7 | timeout 5 tee "$1" >/dev/null 2>&1; then
		echo "write 7 $1: ok"
	else
		echo "write 7 $1: failed"
	fi
	show "$1"
}

# write_new BEFORE: write a number to each new file and read it again;
# make (and read, and remove) a child in each new configfs folder.
write_new() {
	new_files "$1" >/tmp/new
	while read -r e; do
		case $e in
		/sys/kernel/config/*)
			[ -d "$e" ] || { write_one "$e"; continue; }
			if timeout 5 mkdir "$e/child" 2>/dev/null; then
				echo "mkdir $e/child: ok"
				for f in $(ls "$e/child" | sort); do
					show "$e/child/$f"
					[ -d "$e/child/$f" ] || write_one "$e/child/$f"
				done
				rmdir "$e/child" 2>/dev/null || echo "rmdir $e/child: failed"
			else
				echo "mkdir $e/child: failed"
			fi
			;;
		*)
			[ -f "$e" ] || [ -c "$e" ] || continue
			write_one "$e"
			;;
		esac
	done </tmp/new
}

# probe_devs BEFORE: what each new character device answers to poll, a
# non-blocking read and mmap of a page (devprobe: the shell has no mmap).
probe_devs() {
	command -v devprobe >/dev/null || return 0
	new_files "$1" >/tmp/new
	while read -r e; do
		[ -c "$e" ] || continue
		echo "devprobe $e:"
		timeout 5 devprobe "$e" 2>&1 | sed 's/^/  /'
	done </tmp/new
}

# read_params: the module's /sys/module/NAME/parameters/ (read only: a
# write could change what the module does next).
read_params() {
	for f in $(ls "/sys/module/$kname/parameters" 2>/dev/null | sort); do
		show "/sys/module/$kname/parameters/$f"
	done
}

# scenario: what the loaded module made, read, written, read.
# Packets over lo, so that a module hooking Netfilter sees some before
# its entries are read (its statistics, its flow table).
traffic() {
	for s in 56 300; do
		if timeout -s KILL 10 ping -c 1 -W 2 -s "$s" 127.0.0.1 >/dev/null 2>&1; then r=passed; else r=dropped; fi
		echo "ping 127.0.0.1 -s $s: $r"
	done
}

# net_new: each network interface the module made (a new entry in
# /sys/class/net) brought up without IPv6 (whose timed autoconfiguration
# would make its counters differ between runs), given 10.77.N.1/24 and a
# permanent neighbour 10.77.N.2, pinged there (the module's transmit path),
# its counters read, and taken down again.
net_new() {
	n=0
	ls /sys/class/net | sort >/tmp/net.after
	grep -vxF -f /tmp/net.before /tmp/net.after | while read -r dev; do
		n=$((n + 1))
		echo 1 >"/proc/sys/net/ipv6/conf/$dev/disable_ipv6" 2>/dev/null
		if ! timeout 10 ip link set "$dev" up 2>/dev/null; then
			echo "net $dev: up failed"
			continue
		fi
		ip addr add "10.77.$n.1/24" dev "$dev"
		ip neigh replace "10.77.$n.2" lladdr 02:00:00:00:77:02 dev "$dev" nud permanent 2>/dev/null
		if timeout -s KILL 10 ping -c 2 -W 1 "10.77.$n.2" >/dev/null 2>&1; then r=answered; else r=unanswered; fi
		echo "net $dev: up, ping 10.77.$n.2 $r"
		for c in tx_packets tx_bytes rx_packets rx_bytes tx_dropped; do
			echo "  $c $(cat "/sys/class/net/$dev/statistics/$c")"
		done
		timeout 10 ip link set "$dev" down || echo "net $dev: down failed"
	done
}

# nl_new: each netlink protocol unit the module made (one a socket can be
# opened on now and could not before) sent one request (nlprobe).
nl_new() {
	command -v nlprobe >/dev/null || return 0
	nlprobe list | grep -vxF -f /tmp/nl.before | while read -r u; do
		echo "netlink unit $u:"
		timeout 5 nlprobe send "$u" 2>&1 | sed 's/^/  /'
	done
}

# mount_new: each filesystem the module registered (a new nodev name in
# /proc/filesystems) mounted on a fresh folder, its files listed, read,
# written and read again, then unmounted.
mount_new() {
	awk '$1 == "nodev" { print $2 }' /proc/filesystems | grep -vxF -f /tmp/fs.before |
		while read -r fs; do
			d=/tmp/mnt-$fs
			mkdir -p "$d"
			if ! timeout 10 mount -t "$fs" none "$d" 2>/dev/null; then
				echo "mount -t $fs: failed"
				continue
			fi
			echo "mount -t $fs: ok"
			find "$d" | sort | sed "s|^$d|$fs:|"
			for f in $(find "$d" -type f | sort); do
				show "$f" | sed "s|$d|$fs:|"
				[ -w "$f" ] && write_one "$f" | sed "s|$d|$fs:|"
			done
			timeout 10 umount "$d" || echo "umount $fs: failed"
		done
}

# netns_cycle: a network namespace made, its lo brought up and pinged,
# and the namespace deleted: a module's pernet init and exit run while it
# is loaded, and its hooks there see packets.
netns_cycle() {
	ip netns add dusk-probe 2>/dev/null || return 0
	ip netns exec dusk-probe ip link set lo up
	if ip netns exec dusk-probe timeout -s KILL 10 ping -c 1 -W 2 127.0.0.1 >/dev/null 2>&1; then
		r=passed
	else
		r=dropped
	fi
	echo "ping 127.0.0.1 in a new namespace: $r"
	ip netns del dusk-probe
}

# An input, rfkill, extcon or regulator device's number (inputN, rfkillN,
# extconN, regulator.N), which the kernel never gives twice in a boot (the
# second build's device is input3 where the first's was input2), masked in
# the transcript.
scenario() {
	scenario_steps | sed -E -e 's/\b(input|rfkill|extcon)[0-9]+/\1N/g' -e 's/\bregulator\.[0-9]+/regulator.N/g'
}

scenario_steps() {
	read_params
	traffic
	netns_cycle
	net_new
	read_new /tmp/before
	write_new /tmp/before
	probe_devs /tmp/before
	nl_new
	mount_new
	extra_steps
}

# The module's own steps, if corpus-difftest -g gave it some.
extra_steps() {
	[ -f "/dusk/files/extra/$name.sh" ] || return 0
	echo "-- $name.sh"
	( . "/dusk/files/extra/$name.sh" ) 2>&1
}

for m in ${DEPS:-}; do
	insmod "/dusk/mod/$m.ko" || echo "setup: insmod $m failed"
done
ip link set lo up

# NAME as the kernel knows the module (dashes are underscores).
kname=$(echo "$name" | tr - _)
[ -d /sys/kernel/config ] && ! grep -q ' /sys/kernel/config ' /proc/mounts &&
	mount -t configfs none /sys/kernel/config 2>/dev/null
[ -d /sys/kernel/debug ] && ! grep -q ' /sys/kernel/debug ' /proc/mounts &&
	mount -t debugfs none /sys/kernel/debug 2>/dev/null
entries >/tmp/before
awk '$1 == "nodev" { print $2 }' /proc/filesystems >/tmp/fs.before
ls /sys/class/net | sort >/tmp/net.before
{ command -v nlprobe >/dev/null && nlprobe list; } >/tmp/nl.before
dmesg -c >/dev/null
echo "== kernel"
if timeout "$LIMIT" insmod "/dusk/mod/$name.ko"; then echo "load: ok"; else echo "load: failed"; fi
scenario
[ -d "/sys/module/$kname" ] && { rmmod "$kname" || echo "rmmod: failed"; }
log_lines

echo "== user"
out=/tmp/$name.user.log
: >"$out"	# exists before the first grep below, whoever runs first
dusk-run --kmod "/dusk/mod/dusk_$kname.ko" "/dusk/bin/$name" >"$out" 2>&1 &
pid=$!
i=0 state=''
while [ -z "$state" ]; do
	if grep -q -e "^dusk: $name: running" -e "^dusk: $kname: running" "$out"; then state=ok
	elif ! kill -0 $pid 2>/dev/null; then state=failed
	elif [ $i -ge $((LIMIT * 10)) ]; then state=timeout
	fi
	i=$((i + 1))
	sleep 0.1
done
echo "load: $state"
[ "$state" = ok ] && scenario
kill -TERM $pid 2>/dev/null
wait $pid
log_lines
echo "== program output"
# (its end: where a fault report is)
grep -v '^<[0-7]>' "$out" | tail -n 40
