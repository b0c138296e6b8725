#!/bin/sh
# ktpoint's user build (guest script): tracepoint_probe_register() is
# refused, named in the kernel log, module_init fails with -EOPNOTSUPP as
# insmod reports it, and the kernel goes on forking with a clean log
# (before, the load succeeded and the probe's blocking proxy, called in
# atomic context on every fork, answered -EWOULDBLOCK without running it).
. /dusk/lib.sh
. /dusk/files/refused-lib.sh
set -u

refused_load ktpoint
for i in 1 2 3; do /bin/true || dusk_fail "fork $i"; done
dusk_pass "the kernel forks"
refused_logged 'tracepoint_probe_register: tracepoint probes cannot run in a user build' \
	"the refusal is named in the kernel log"
refused_logged 'ktpoint: tracepoint_probe_register failed: -95' "the module saw -EOPNOTSUPP"
refused_done ktpoint
