#!/bin/sh
# The fault-injection sweep of e2e modules (guest script): each user build
# given (/dusk/bin/NAME, /dusk/mod/dusk_NAME.ko) under `dusk-run
# --fail-sweep`, with one scenario for all: read each file the module made
# under /proc, /dev and debugfs, write "1" to it, read it again -- so its
# open, read and write callbacks make their calls that can fail (seq_file
# opens, user copies, allocations) after module_init's registrations.  Every
# run must be clean, and the last run must fail nothing and run the
# scenario.
. /dusk/lib.sh
. /dusk/files/sweep-lib.sh
set -u

dmesg -c >/dev/null
for name in "$@"; do
	cat >/tmp/scenario <<EOS
for f in /proc/$name* /dev/$name* /sys/kernel/debug/$name*; do
	[ -f "\$f" ] || [ -c "\$f" ] || continue
	timeout -s KILL 3 cat "\$f" >/dev/null 2>&1
	echo 1 | timeout -s KILL 3 tee "\$f" >/dev/null 2>&1
	timeout -s KILL 3 cat "\$f" >/dev/null 2>&1
done
EOS
	sweep_module "$name" /tmp/scenario 10
	grep -q "^#[0-9]*: nothing failed ([1-9][0-9]* calls can fail): loaded, scenario run, unloaded$" \
		"/tmp/$name.out" || dusk_fail "$name's last run did not load it and run the scenario"
	dusk_pass "$name: $(sed -n 's/.*sweep of [^:]*: \([0-9]* runs\).*/\1/p' "/tmp/$name.out"), every one clean"
done
# A call made through a kernel header's inline the program keeps out of
# line (alloc_skb() around __alloc_skb()) is reported with the module's
# line that called it, not the header's alone.
if [ -e /tmp/kskb.out ]; then
	grep -q '^#1: __alloc_skb (call #1 that can fail) returns 0 at .*skbuff\.h:[0-9]* (in alloc_skb), called from .*kskb\.c:[0-9]* (in kskb_init): ' \
		/tmp/kskb.out || dusk_fail "kskb's failed alloc_skb() is not reported with kskb.c's line"
	dusk_pass "kskb: the failed alloc_skb() is reported with the line in kskb.c that called it"
fi
echo "fail-sweep-e2e: all checks passed"
