#!/bin/sh
# Real-kernel test of kskcipher (guest script, run by test/e2e/difftest in
# both builds: kskcipher.ko, then the DUSK user build).
#
# The IV on the module's stack, reached by the cipher through the request:
# the output IV it writes is seen by the module, the IV the module sets
# again is what the decryption uses (the round trip gives the plaintext).
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

dmesg -c >/dev/null
samples_load kskcipher || dusk_fail "load kskcipher"
samples_unload_within kskcipher 30
samples_logged "kskcipher: output iv 7c1610b9477ff38e3cc0a549419884f0 (last block equal)"
samples_logged "kskcipher: round trip: A 32-byte plaintext for cbc(aes)"
samples_logged "kskcipher: done: 0"
echo "kskcipher: all checks passed"
