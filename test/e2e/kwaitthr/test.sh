#!/bin/sh
# Real-kernel test of kwaitthr (guest script, run by test/e2e/difftest in
# both builds: kwaitthr.ko, then the DUSK user build).  Two jobs posted to a
# kernel thread asleep in wait_event_interruptible(): each is logged by its
# writer before the thread takes it; module_exit's kthread_stop() stops the
# thread at once.  In the user build block_timeout_ms is 20 s, so a watched
# sleep's own timer (half of it) would wake the thread only after 10 s: a
# stop it missed would make the unload late.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=20	# seconds for one /proc access

post() {
	timeout -s KILL "$LIMIT" sh -c "echo $1 >/proc/kwaitthr" 2>/tmp/err ||
		dusk_fail "posting job $1 failed: $(cat /tmp/err)"
	i=0
	until dusk_read_proc /proc/kwaitthr && [ "$got" = "done $1" ]; do
		i=$((i + 1))
		[ $i -le 50 ] || dusk_fail "job $1 was not taken: /proc/kwaitthr says '$got'"
		sleep 0.2
	done
	dusk_pass "job $1 taken"
}

dmesg -c >/dev/null
samples_load kwaitthr || dusk_fail "load kwaitthr"
p=/sys/module/dusk_kwaitthr/parameters/block_timeout_ms
[ ! -e $p ] || echo 20000 >$p
sleep 1
post 1
sleep 1
post 2
# a stop the thread's watched sleep missed would wait for its 10 s timer
samples_unload_within kwaitthr 6
samples_logged "kwaitthr: thread started"
samples_logged "kwaitthr: thread stopping"
samples_logged "kwaitthr: stopped, thread returned 7"
for n in 1 2; do
	first=$(printf '%s\n' "$samples_log" | grep -E "^kwaitthr: (posted job|thread took job) $n\$" | head -n 1)
	[ "$first" = "kwaitthr: posted job $n" ] ||
		dusk_fail "job $n was taken before its writer logged it"
	dusk_pass "job $n logged by its writer before the thread took it"
done
echo "kwaitthr: all checks passed"
