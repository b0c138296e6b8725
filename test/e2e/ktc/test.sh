#!/bin/sh
# ktc's user build (guest script): register_qdisc() is refused, named in
# the kernel log, module_init fails with -EOPNOTSUPP as insmod reports it,
# and the kernel's own traffic goes on with a clean log (before, the load
# succeeded: the qdisc was there to be attached, and its enqueue() would
# have been answered -EWOULDBLOCK in transmit context without running).
. /dusk/lib.sh
. /dusk/files/refused-lib.sh
set -u

refused_load ktc
ping -c 1 -W 2 127.0.0.1 >/dev/null 2>&1 || dusk_fail "ping over lo"
dusk_pass "the kernel sends"
refused_logged 'register_qdisc: tc qdiscs cannot run in a user build' \
	"the refusal is named in the kernel log"
refused_logged 'ktc: register_qdisc failed: -95' "the module saw -EOPNOTSUPP"
refused_done ktc
