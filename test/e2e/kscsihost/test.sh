#!/bin/sh
# kscsihost's user build (guest script): scsi_add_host() is refused, named
# in the kernel log, module_init fails with -EOPNOTSUPP as insmod reports
# it; the log stays clean.  Before (probe round p65), the host was added
# and its scan never ended: the block layer calls queuecommand() under
# RCU, the proxy's -EWOULDBLOCK read as "host busy", and every command
# was requeued for ever.
. /dusk/lib.sh
. /dusk/files/refused-lib.sh
set -u

for m in scsi_common scsi_mod; do
	insmod "/dusk/mod/$m.ko" || dusk_fail "insmod $m"
done
refused_load kscsihost
refused_logged 'scsi_add_host_with_dma: SCSI hosts cannot run in a user build' \
	"the SCSI host's refusal is named in the kernel log"
refused_logged 'kscsihost: add: -95' "the module saw -EOPNOTSUPP"
refused_done kscsihost
