#!/bin/sh
# kpmu's user build (guest script): perf_pmu_register() is refused, named
# in the kernel log, module_init fails with -EOPNOTSUPP as insmod reports
# it; the log stays clean.  Before (probe round p65), the PMU registered
# and a kernel counter on it always read 0: its add() and del(), called
# in the IPI that installs the event, answered -EWOULDBLOCK without
# running, and start(), stop() and read() never ran in time.
. /dusk/lib.sh
. /dusk/files/refused-lib.sh
set -u

refused_load kpmu
refused_logged 'perf_pmu_register: PMUs cannot run in a user build' \
	"the PMU's refusal is named in the kernel log"
refused_logged 'kpmu: pmu: -95' "the module saw -EOPNOTSUPP"
refused_done kpmu
