#!/bin/sh
# kclksrc's user build (guest script): clocksource_register_hz() (an
# inline of __clocksource_register_scale()) is refused, named in the
# kernel log, module_init fails with -EOPNOTSUPP as insmod reports it;
# the log stays clean.  Before (probe round p65), the clocksource
# registered; made current through sysfs, timekeeping read its proxy's
# -EWOULDBLOCK as the counter with interrupts off, time stood still and
# the guest hung at its next sleep.
. /dusk/lib.sh
. /dusk/files/refused-lib.sh
set -u

refused_load kclksrc
refused_logged '__clocksource_register_scale: clocksources cannot run in a user build' \
	"the clocksource's refusal is named in the kernel log"
refused_logged 'kclksrc: clocksource: -95' "the module saw -EOPNOTSUPP"
refused_done kclksrc
