#!/bin/sh
# kdmabuf's user build stopped while another process holds the dma-buf it
# exported (guest script, user build only): SIGKILL (the teardown would
# free the mirror of its dma_buf_ops, its priv and the buffer), then
# SIGTERM (module_exit's vfree() and kfree() would free the last two).
# Either way the process's mapping still reads the buffer, calls through
# the dma-buf fail cleanly (a second mmap, a sync), its release frees what
# was kept, the kmod unloads and the log is clean.  Before, the second
# mmap() called through freed memory: general protection fault (probe
# round p60).  dusk-kmod/core/dmabuf.c.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=20
log=/tmp/kdmabuf.user.log

round() {
	r=$1
	rm -f /tmp/go
	: >"$log"
	dmesg -c >/dev/null
	insmod /dusk/mod/dusk_kdmabuf.ko || dusk_fail "$r: insmod dusk_kdmabuf"
	/dusk/bin/kdmabuf >"$log" 2>&1 &
	prog=$!
	samples_wait_log "^dusk: kdmabuf: running" "$log" "$LIMIT" "$r: kdmabuf did not start"
	# not the last round's "mapped": the redirection below truncates in
	# the background, maybe after the wait has read the old file
	: >/tmp/d.out
	/dusk/bin/dbufctl /dev/kdmabuf /tmp/go >/tmp/d.out 2>&1 &
	ctl=$!
	samples_wait_log "^mapped" /tmp/d.out "$LIMIT" "$r: dbufctl did not map"
	grep -q '^exporter wrote "access 2"$' /tmp/d.out || { cat /tmp/d.out; dusk_fail "$r: the exporter's access count"; }
	kill -"$1" "$prog" || dusk_fail "$r: kill"
	dusk_wait_pid "$prog" "$LIMIT" "$r: the program"
	samples_wait_unbound kdmabuf "$LIMIT" "$r: after the program"
	touch /tmp/go
	dusk_wait_pid "$ctl" "$LIMIT" "$r: dbufctl"
	cat /tmp/d.out
	grep -q '^mapping intact$' /tmp/d.out || dusk_fail "$r: the mapping lost its pages"
	grep -q '^second mmap: Transport endpoint is not connected$' /tmp/d.out ||
		dusk_fail "$r: a second mmap() of the orphaned dma-buf did not fail with ENOTCONN"
	grep -q '^second sync: Transport endpoint is not connected$' /tmp/d.out ||
		dusk_fail "$r: a sync of the orphaned dma-buf did not fail with ENOTCONN"
	grep -q '^closed$' /tmp/d.out || dusk_fail "$r: dbufctl did not close the dma-buf"
	dusk_pass "$r: the mapping still reads the buffer, calls through the dma-buf fail cleanly"
	dmesg | grep -q 'dusk_kdmabuf: teardown: a dma-buf the module exported is still held: its ops and memory kept until its release' ||
		{ dmesg; cat "$log"; dusk_fail "$r: the kept memory is not named in the kernel log"; }
	# module_exit's vfree() and kfree() of the buffer and priv
	[ "$r" != TERM ] ||
		[ "$(dmesg | grep -c 'dusk_kdmabuf: memory the module freed belongs to a dma-buf still held: kept until its release')" = 2 ] ||
		{ dmesg; cat "$log"; dusk_fail "$r: module_exit's two frees were not kept"; }
	dusk_pass "$r: the kernel log says the dma-buf's memory was kept"
	samples_rmmod_within kdmabuf "$LIMIT" "$r"
	dusk_dmesg_clean "kdmabuf, $r"
	dusk_pass "$r: dusk_kdmabuf unloaded, the kernel log is clean"
}

round KILL
round TERM
echo "kdmabuf-kill: all checks passed"
