#!/bin/sh
# Real-kernel test of ktextbuf (guest script, run by test/e2e/difftest in
# both builds): the texts the kernel formats into the module's stack
# buffers through `char *` helpers come back whole, and the kernel log has
# no complaint (the VM boots with slub_debug, which caught the overflow of
# a mirror sized by its text before).
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

samples_load ktextbuf || dusk_fail "load ktextbuf"
samples_unload_within ktextbuf 30
samples_logged "ktextbuf: sprintf: [state 3 of 9, 1 hits, all is well] (35)"
samples_logged "ktextbuf: snprintf: init asked for level 3"
samples_logged "ktextbuf: scnprintf:  item0 item1 item2 item3 item4 item5 (36)"
samples_logged "ktextbuf: strscpy: a name copied by strscpy, then more"
samples_logged "ktextbuf: exit: [state 3 of 9, 2 hits, all is well]"
echo "ktextbuf: all checks passed"
