#!/bin/sh
# kpstore's user build (guest script): pstore_register() is refused,
# named in the kernel log, module_init fails with -EOPNOTSUPP as insmod
# reports it; the log stays clean.  Before (probe round p66), the backend
# registered; mounting pstore made its read() hand over a kmemdup()ed
# record buffer, which pstore kfree()d at the unmount and teardown freed
# again (SLUB "Object already free"), and its write() could never have
# stored an oops (kmsg_dump() runs with interrupts off).
. /dusk/lib.sh
. /dusk/files/refused-lib.sh
set -u

refused_load kpstore
refused_logged 'pstore_register: pstore backends cannot run in a user build' \
	"the pstore backend's refusal is named in the kernel log"
refused_logged 'kpstore: register: -95' "the module saw -EOPNOTSUPP"
refused_done kpstore
