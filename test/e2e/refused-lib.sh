# Guest side of the tests of a registration DUSK refuses at run time
# (ktc, ktpoint, kretprobe: copied to /dusk/files/refused-lib.sh, sourced
# after /dusk/lib.sh).  The user build of NAME must fail module_init with
# -EOPNOTSUPP as insmod reports it, the refusal and the module's own error
# line must be in the kernel log, and the log must stay clean.
#
#   refused_load NAME          the user build fails to load
#   refused_logged TEXT WHAT   the kernel log holds TEXT (WHAT: the check)
#   refused_done NAME          its kmod unloads; the log is clean

refused_load() {
	dmesg -c >/dev/null
	insmod "/dusk/mod/dusk_$1.ko" || dusk_fail "insmod dusk_$1"
	if "/dusk/bin/$1" >/tmp/p.log 2>&1; then
		cat /tmp/p.log
		dusk_fail "the user build loaded"
	fi
	grep -q "could not insert module $1: Operation not supported" /tmp/p.log ||
		{ cat /tmp/p.log; dusk_fail "no insmod error"; }
	dusk_pass "module_init failed: Operation not supported"
}

refused_logged() {
	dmesg | grep -q "$1" || { dmesg; dusk_fail "not so: $2"; }
	dusk_pass "$2"
}

refused_done() {
	rmmod "dusk_$1" || dusk_fail "rmmod dusk_$1"
	dusk_dmesg_clean "$1"
	dusk_pass "the kernel log is clean"
	echo "$1: all checks passed"
}
