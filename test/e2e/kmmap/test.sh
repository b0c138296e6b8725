#!/bin/sh
# Real-kernel test of kmmap (guest script, run by test/e2e/difftest in
# both builds): a process maps the driver's two pages, reads their texts,
# writes its marks, unmaps; the driver unloads cleanly.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

touch /tmp/go
samples_load kmmap || dusk_fail "load kmmap"
/dusk/bin/mmapctl /dev/kmmap /tmp/go || dusk_fail "mmapctl"
samples_unload_within kmmap 30
samples_logged "kmmap: 2 pages ready"
samples_logged "kmmap: buffer freed"
dusk_dmesg_clean kmmap
echo "kmmap: all checks passed"
