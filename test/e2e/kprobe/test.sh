#!/bin/sh
# kprobe's user build (guest script): register_kprobe() is refused, named
# in the kernel log, module_init fails with -EOPNOTSUPP as insmod reports
# it, and the kernel goes on forking with a clean log (before, the
# blocking proxy's -EWOULDBLOCK from the pre_handler made the kernel resume
# kernel_clone() one byte in: an oops, then a panic in init).
. /dusk/lib.sh
. /dusk/files/refused-lib.sh
set -u

refused_load kprobe
for i in 1 2 3; do /bin/true || dusk_fail "fork $i"; done
dusk_pass "the kernel forks"
refused_logged 'register_kprobe: kprobe handlers cannot run in a user build' \
	"the refusal is named in the kernel log"
refused_logged 'kprobe: register_kprobe failed: -95' "the module saw -EOPNOTSUPP"
refused_done kprobe
