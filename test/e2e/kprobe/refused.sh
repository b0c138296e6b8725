#!/bin/sh
# kretprobe's user build (guest script): register_kretprobes() (an array)
# is refused, named in the kernel log, module_init fails with -EOPNOTSUPP
# as insmod reports it, and the kernel goes on opening files and forking
# with a clean log.
. /dusk/lib.sh
. /dusk/files/refused-lib.sh
set -u

refused_load kretprobe
for i in 1 2 3; do cat /proc/version >/dev/null || dusk_fail "open $i"; done
dusk_pass "the kernel opens files and forks"
refused_logged 'register_kretprobes: kretprobe arrays cannot run in a user build' \
	"the refusal is named in the kernel log"
refused_logged 'kretprobe: register_kretprobes failed: -95' "the module saw -EOPNOTSUPP"
refused_done kretprobe
