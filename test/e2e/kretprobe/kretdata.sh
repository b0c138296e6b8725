#!/bin/sh
# Real-kernel test of kretdata (guest script, run by test/e2e/difftest in
# both builds: kretdata.ko, then the DUSK user build).
#
# Five sethostname calls, the last with a name too long (-EINVAL): the
# entry handler skips calls 2 and 4, so calls 1, 3 and 5 print their
# number from the data area their entry handler wrote, their return value
# and that get_kretprobe() names the kretprobe; the return handler alone
# sees all five.  In the user build module_exit's unregister_kretprobe()
# waits until the program has run the hits seen before.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=30

dmesg -c >/dev/null
samples_load kretdata || dusk_fail "load kretdata"
for n in a b c d; do hostname "dusk-$n" || dusk_fail "hostname dusk-$n"; done
! hostname "$(printf '%070d' 0)" 2>/dev/null || dusk_fail "a 70-byte hostname was taken"
dusk_pass "five sethostname calls, the last refused"
samples_unload_within kretdata "$LIMIT"
samples_logged "kretdata: planted two kretprobes at __x64_sys_sethostname"
samples_logged "kretdata: call 1 returned 0, data ok, kretprobe ok 1"
samples_logged "kretdata: call 3 returned 0, data ok, kretprobe ok 1"
samples_logged "kretdata: call 5 returned -22, data ok, kretprobe ok 1"
samples_logged "kretdata: entries 5, plain returns 5 summing -22, missed 0 and 0"
[ "$(printf '%s\n' "$samples_log" | grep -c ' returned ')" = 3 ] ||
	dusk_fail "return handlers of skipped calls ran"
dusk_pass "the calls skipped by the entry handler got no return handler"
echo "kretdata: all checks passed"
