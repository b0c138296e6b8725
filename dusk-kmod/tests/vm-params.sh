#!/bin/sh
# Guest script: /sys/module/ktest/parameters/ (PARAMS).  Malformed PARAMS
# are refused; the files have the modes asked for; reads and writes are
# served by the program (a refused write returns its errno; a read-only
# file refuses writing); the directory goes when the program is killed,
# also while a reader waits for a stalled program, and when the module is
# unloaded under a bound program.
. /dusk/lib.sh
P=/sys/module/ktest/parameters
insmod /dusk/mod/dusk_ktest.ko block_timeout_ms=30000 || dusk_fail "insmod"

start_client() { # ARGS...
	rm -f /tmp/kclient.ready
	dusk-kclient params "$@" >/tmp/client.out 2>&1 &
	client=$!
	i=0
	while [ ! -e /tmp/kclient.ready ]; do
		i=$((i + 1)); [ $i -lt 100 ] || { cat /tmp/client.out; dusk_fail "client not ready"; }
		sleep 0.1
	done
}

start_client
[ "$(stat -c %a $P/speed) $(stat -c %a $P/ro)" = "644 444" ] ||
	dusk_fail "modes $(stat -c %a $P/speed) $(stat -c %a $P/ro)"
dusk_pass "parameters/speed 644, parameters/ro 444"
[ "$(cat $P/speed)" = 42 ] && [ "$(cat $P/ro)" = ro ] || dusk_fail "reads: '$(cat $P/speed)' '$(cat $P/ro)'"
dusk_pass "reads served by the program"
echo 7 >$P/speed || dusk_fail "write 7"
err=$(printf 8 | dd of=$P/speed 2>&1 | sed -n 's/^dd: .*: //p')
[ "$err" = "Invalid argument" ] || dusk_fail "write 8: '$err'"
err=$(printf 1 | dd of=$P/ro 2>&1 | sed -n 's/^dd: .*: //p')
[ "$err" = "Permission denied" ] || dusk_fail "write to ro: '$err'"
dusk_pass "writes: taken, refused with the program's errno, refused on a 0444 file"
kill -9 $client; wait $client 2>/dev/null
sleep 0.5
[ ! -d /sys/module/ktest ] || dusk_fail "/sys/module/ktest survived the program"
dusk_pass "program killed: /sys/module/ktest removed"
grep -q '^FAIL' /tmp/client.out && { cat /tmp/client.out; dusk_fail "client checks"; }

start_client stall
exec 3<$P/speed
cat $P/speed >/tmp/cat.out 2>&1 &
reader=$!
sleep 1
t0=$(date +%s)
kill -9 $client; wait $client 2>/dev/null
wait $reader && dusk_fail "reader succeeded with a dead program"
t1=$(date +%s)
[ $((t1 - t0)) -le 3 ] || dusk_fail "reader held $((t1 - t0)) s after the program died"
cat <&3 >/dev/null 2>&1 && dusk_fail "a file left open still reads"
exec 3<&-
[ ! -d /sys/module/ktest ] || dusk_fail "/sys/module/ktest survived the stalled program"
dusk_pass "program died under a reader: released ($(cat /tmp/cat.out)), directory removed"

start_client
rmmod dusk_ktest || dusk_fail "rmmod while bound"
[ ! -d /sys/module/ktest ] || dusk_fail "/sys/module/ktest survived rmmod"
dusk_pass "rmmod while a program is bound removes /sys/module/ktest"
kill -9 $client; wait $client 2>/dev/null
dusk_dmesg_clean params
