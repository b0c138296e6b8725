#!/bin/sh
# katomreg's user build (guest script): smpboot_register_percpu_thread()
# and nf_log_register() are refused, named in the kernel log, module_init
# fails with -EOPNOTSUPP as insmod reports it; the log stays clean.
# Before (probe round p63), the logger registered and its logfn silently
# never ran, and registering the threads was a general protection fault
# in __smpboot_create_thread() (the kernel added its per-CPU offsets to
# the mirror of the module's DEFINE_PER_CPU store).
. /dusk/lib.sh
. /dusk/files/refused-lib.sh
set -u

refused_load katomreg
refused_logged 'nf_log_register: Netfilter loggers cannot run in a user build' \
	"the logger's refusal is named in the kernel log"
refused_logged 'smpboot_register_percpu_thread: per-CPU hotplug threads cannot run in a user build' \
	"the threads' refusal is named in the kernel log"
refused_logged 'katomreg: logger: -95' "the module saw -EOPNOTSUPP for the logger"
refused_logged 'katomreg: threads: -95' "the module saw -EOPNOTSUPP for the threads"
refused_done katomreg
