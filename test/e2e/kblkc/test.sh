#!/bin/sh
# kblkc's user build (guest script): its tag set has a ->complete(), which
# blk_mq_complete_request() runs in softirq or IPI context: the tag set is
# refused, named in the kernel log, module_init fails with -EOPNOTSUPP as
# insmod reports it, and the log stays clean.
. /dusk/lib.sh
. /dusk/files/refused-lib.sh
set -u

refused_load kblkc
refused_logged 'blk_mq_alloc_sq_tag_set: blk-mq complete() runs in softirq or IPI context' \
	"the refusal is named in the kernel log"
refused_logged 'kblkc: blk_mq_alloc_sq_tag_set failed: -95' "the module saw -EOPNOTSUPP"
refused_done kblkc
