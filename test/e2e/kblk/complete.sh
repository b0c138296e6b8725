#!/bin/sh
# kblk's test (test.sh) with complete=1: every request ends through
# blk_mq_complete_request() and ->complete(), which runs at once or in
# softirq or IPI context (late, in the user build).  Before, such a tag set
# was refused in the user build.
KBLK_PARAMS=complete=1
. /dusk/files/test.sh
