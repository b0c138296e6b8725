#!/bin/sh
# Guest script of scripts/corpus-difftest: load one module once as NAME.ko
# and once as its user build, in one boot, and print both transcripts:
# whether the load succeeded, what each new /proc and /dev entry it made
# reads as (bounded), then the lines the kernel log gained.  Self-testing
# modules (lib/test_*.c) test on load and print their verdict.
#   module.sh NAME
. /dusk/lib.sh
set -u
name=$1
LIMIT=${SELFTEST_LIMIT:-60}

# The module's kernel-log lines, with what differs between any two runs
# (timestamps, hashed pointers, durations) made equal.
log_lines() {
	dmesg | sed 's/^\[[^]]*\] //' |
		grep -v -e 'taints kernel' -e 'module verification failed' \
			-e '^dusk' -e 'dusk_' |
		sed -E -e 's/0x[0-9a-f]+/0x…/g' -e 's/\b[0-9a-f]{16}\b/…/g' \
			-e 's/[0-9]+(\.[0-9]+)? ?(ns|us|usec|µs|ms|msec|sec|s|jiffies|cycles)\b/N \2/g'
	dmesg -c >/dev/null
}

# What a module adds under /proc (not per-process) and /dev.
entries() {
	{ ls -d /proc/[!0-9]* /proc/net/* /proc/sys/net/*/* 2>/dev/null; ls -d /dev/* 2>/dev/null; } |
		grep -v -e '^/proc/self' -e '^/proc/thread-self' -e '^/proc/sys' | sort
}

# read_new BEFORE: read every entry not in BEFORE, a bounded page each.
read_new() {
	entries >/tmp/after
	grep -vxF -f "$1" /tmp/after | while read -r e; do
		if [ -d "$e" ]; then echo "new dir $e"; continue; fi
		echo "new $e:"
		timeout 5 head -c 4096 "$e" 2>&1 | sed 's/^/  /'
	done
}

entries >/tmp/before
dmesg -c >/dev/null
echo "== kernel"
if timeout "$LIMIT" insmod "/dusk/mod/$name.ko"; then echo "load: ok"; else echo "load: failed"; fi
read_new /tmp/before
[ -d "/sys/module/$name" ] && { rmmod "$name" || echo "rmmod: failed"; }
log_lines

echo "== user"
out=/tmp/$name.user.log
dusk-run --kmod "/dusk/mod/dusk_$name.ko" "/dusk/bin/$name" >"$out" 2>&1 &
pid=$!
i=0 state=''
while [ -z "$state" ]; do
	if grep -q "^dusk: $name: running" "$out"; then state=ok
	elif ! kill -0 $pid 2>/dev/null; then state=failed
	elif [ $i -ge $((LIMIT * 10)) ]; then state=timeout
	fi
	i=$((i + 1))
	sleep 0.1
done
echo "load: $state"
[ "$state" = ok ] && read_new /tmp/before
kill -TERM $pid 2>/dev/null
wait $pid
log_lines
echo "== program output"
grep -v '^<[0-7]>' "$out" | head -n 20
