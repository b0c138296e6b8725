#!/bin/sh
# khwbp's user build (guest script): register_wide_hw_breakpoint() and
# perf_event_create_kernel_counter() with a handler are refused, named in
# the kernel log, module_init fails with -EOPNOTSUPP as insmod reports it;
# a counter without a handler is made; the log stays clean.  Before, both
# registrations succeeded and the handlers, whose blocking proxies answer
# at once in the debug exception and in NMI, silently never ran.
. /dusk/lib.sh
. /dusk/files/refused-lib.sh
set -u

refused_load khwbp
refused_logged 'khwbp: counter without a handler: made' "a counting perf event is served"
refused_logged 'perf_event_create_kernel_counter: perf overflow handlers cannot run in a user build' \
	"the overflow handler's refusal is named in the kernel log"
refused_logged 'register_wide_hw_breakpoint: hardware breakpoint handlers cannot run in a user build' \
	"the breakpoint's refusal is named in the kernel log"
refused_logged 'khwbp: sampler: -95' "the module saw -EOPNOTSUPP for the sampler"
refused_logged 'khwbp: breakpoint: -95' "the module saw -EOPNOTSUPP for the breakpoint"
refused_done khwbp
