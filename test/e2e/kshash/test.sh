#!/bin/sh
# Real-kernel test of kshash (guest script, run by test/e2e/difftest in both
# builds: the .ko, then the DUSK user build).
#
# A struct with a flexible array over a stack buffer (SHASH_DESC_ON_STACK)
# handed to a kernel function that writes past the struct: the user build's
# mirror must hold what the kernel writes (a mirror of sizeof(struct
# shash_desc) = 8 bytes let sha256 overwrite the kmalloc-8 slab's red zone:
# SLUB's BUG report fails the run).  Both digests must be right, and they
# are printed with %*phN from a u8 pointer: the printk must see all 32
# bytes, not a string's worth up to the first zero byte.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

samples_load kshash text=abc || dusk_fail "load kshash"
samples_unload kshash
samples_logged "kshash: stack sha256(\"abc\") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
samples_logged "kshash: heap sha256(\"abc\") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
samples_logged "kshash: bye"
dusk_dmesg_clean kshash
echo "kshash: all checks passed"
