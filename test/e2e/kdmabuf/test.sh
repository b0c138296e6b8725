#!/bin/sh
# Real-kernel test of kdmabuf (guest script, run by test/e2e/difftest in
# both builds): a process gets the exported dma-buf's descriptor, maps it,
# reads its pages, brackets CPU accesses (the exporter counts them in its
# priv and writes into the buffer), maps it again, closes it; the module
# unloads, its exit's dma_buf_put() releasing the dma-buf.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

touch /tmp/go
samples_load kdmabuf || dusk_fail "load kdmabuf"
/dusk/bin/dbufctl /dev/kdmabuf /tmp/go || dusk_fail "dbufctl"
samples_unload_within kdmabuf 30
samples_logged "kdmabuf: exported kdmabuf0, 4 pages"
samples_logged "kdmabuf: release of kdmabuf0 after 3 accesses"
samples_logged "kdmabuf: unloaded"
dusk_dmesg_clean kdmabuf
echo "kdmabuf: all checks passed"
