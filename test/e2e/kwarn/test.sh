#!/bin/sh
# Real-kernel test of kwarn (guest script, run by test/e2e/difftest in both
# builds: kwarn.ko, then the DUSK user build).
#
# Every WARN the module hits is reported in the kernel log, naming its
# source line and function: WARN_ON() (kwarn.c:20) each time, WARN_ON_ONCE()
# (kwarn.c:21) and WARN_ONCE() (kwarn.c:22, with its message) once;
# dump_stack() shows the module's function, not the program's kernel call
# (a generic netlink request).
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

# reports PATTERN: how many kernel log lines match the extended regex.
reports() { dmesg | grep -cE -e "$1"; }

# expect WHAT COUNT GOT
expect() {
	[ "$3" = "$2" ] || { dmesg | tail -n 80; dusk_fail "$1: $3 reports, want $2"; }
	dusk_pass "$1: $2"
}

dmesg -c >/dev/null
samples_load kwarn || dusk_fail "load kwarn"
if [ "${DUSK_MODE:-kernel}" = user ]; then samples_user_stop kwarn; else rmmod kwarn; fi
expect "WARN_ON at kwarn.c:20" 2 "$(reports 'WARNING: .* at [^ ]*kwarn\.c:20 kwarn_check')"
expect "WARN_ON_ONCE at kwarn.c:21" 1 "$(reports 'WARNING: .* at [^ ]*kwarn\.c:21 kwarn_check')"
expect "WARN_ONCE at kwarn.c:22" 1 "$(reports 'WARNING: .* at [^ ]*kwarn\.c:22 kwarn_check')"
expect "WARN_ONCE's message" 1 "$(reports '^(\[[^]]*\] )?kwarn: 2 over 1$')"
expect "cut lines" 4 "$(reports 'cut here')"
expect "end of trace lines" 4 "$(reports '---\[ end trace [0-9a-f]+ \]---')"
expect "init's count" 1 "$(reports 'kwarn: conditions true 6$')"
[ "$(reports '^\[[^]]*\]  kwarn_check[.a-z0-9]*\+0x')" -ge 1 ] || { dmesg | tail -n 80; dusk_fail "no kwarn_check frame"; }
dusk_pass "a call trace names kwarn_check"
expect "generic netlink frames" 0 "$(reports 'genl_rcv_msg')"
dmesg -c >/dev/null
echo "kwarn: all checks passed"
