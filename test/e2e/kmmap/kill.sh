#!/bin/sh
# kmmap's user build stopped while a process maps the driver's buffer
# (guest script, user build only): SIGKILL (the teardown would free the
# buffer), then SIGTERM (module_exit's kfree() would).  Either way the
# mapping keeps reading the driver's texts and the marks it wrote, the
# kernel log says the memory was kept, the kmod unloads once the mapping
# is gone, and the log is clean (no "Bad page state" for the reserved
# pages).  Before, the mapping read freed slab memory (slub's poison);
# and, until the fifteenth session, so did a mapping fork() copied (the
# parent's own gone) or mremap() moved.  dusk-kmod/core/usermap.c.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=20
log=/tmp/kmmap.user.log

# round SIGNAL [fork|mremap]: the program stopped by SIGNAL under a live
# mapping (one fork() copied to a child, the parent's own unmapped; one
# mremap() moved).
round() {
	r="$1${2:+ ($2)}"
	rm -f /tmp/go
	: >"$log"
	dmesg -c >/dev/null
	insmod /dusk/mod/dusk_kmmap.ko || dusk_fail "$r: insmod dusk_kmmap"
	/dusk/bin/kmmap >"$log" 2>&1 &
	prog=$!
	samples_wait_log "^dusk: kmmap: running" "$log" "$LIMIT" "$r: kmmap did not start"
	# not the last round's "mapped": the redirection below truncates in
	# the background, maybe after the wait has read the old file
	: >/tmp/m.out
	/dusk/bin/mmapctl /dev/kmmap /tmp/go ${2:-} >/tmp/m.out 2>&1 &
	ctl=$!
	samples_wait_log "^mapped" /tmp/m.out "$LIMIT" "$r: mmapctl did not map"
	kill -"$1" "$prog" || dusk_fail "$r: kill"
	dusk_wait_pid "$prog" "$LIMIT" "$r: the program"
	# the session's teardown is over (what it frees, it has freed)
	samples_wait_unbound kmmap "$LIMIT" "$r: after the program"
	touch /tmp/go
	dusk_wait_pid "$ctl" "$LIMIT" "$r: mmapctl"
	grep -q '^mapping intact$' /tmp/m.out || { cat /tmp/m.out; dusk_fail "$r: the mapping lost its pages"; }
	dusk_pass "$r: the mapping still reads the driver's texts and its own marks"
	i=0
	until dmesg | grep -q 'dusk_kmmap: .*still mapped by a process: kept until module exit'; do
		i=$((i + 1))
		[ $i -le $((LIMIT * 10)) ] || { dmesg; cat "$log"; dusk_fail "$r: the kept memory is not named in the kernel log"; }
		sleep 0.1
	done
	dusk_pass "$r: the kernel log says the mapped memory was kept"
	samples_rmmod_within kmmap "$LIMIT" "$r"
	dusk_dmesg_clean "kmmap, $r"
	dusk_pass "$r: dusk_kmmap unloaded, the kernel log is clean"
}

round KILL
round TERM
round KILL fork
round TERM mremap
echo "kmmap-kill: all checks passed"
