#!/bin/sh
# kcryptoctx's user build killed (guest script, user build only) with its
# two algorithms registered and used: the session's end unregisters them
# (the undo pairs of crypto_register_skcipher() and crypto_register_rng()),
# so the next walk of the kernel's algorithm list (/proc/crypto, any
# crypto_alloc_*()) finds no mirror of a dead program; the kmod unloads
# and the log is clean.  Before (coverage re-run p68, ecb's template),
# they stayed on the list over the program's freed mirrors, and the next
# lookup read slab poison (a general protection fault).
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=20
log=/tmp/kcryptoctx.user.log

insmod /dusk/mod/dusk_kcryptoctx.ko || dusk_fail "insmod dusk_kcryptoctx"
/dusk/bin/kcryptoctx >"$log" 2>&1 &
prog=$!
samples_wait_log "^dusk: kcryptoctx: running" "$log" "$LIMIT" "kcryptoctx did not start"
echo 1 >/proc/kcryptoctx || dusk_fail "write /proc/kcryptoctx"
grep -q 'driver *: kcryptoctx-xor-generic' /proc/crypto || dusk_fail "xor not registered"
grep -q 'driver *: kcryptoctx-lcg-generic' /proc/crypto || dusk_fail "lcg not registered"
dusk_pass "kcryptoctx's two algorithms registered and used"
kill -KILL "$prog" || dusk_fail "kill"
dusk_wait_pid "$prog" "$LIMIT" "the program"
samples_wait_unbound kcryptoctx "$LIMIT" "after the program"
cat /proc/crypto >/tmp/crypto.after || dusk_fail "cat /proc/crypto after the program"
grep -q 'kcryptoctx' /tmp/crypto.after && dusk_fail "an algorithm outlived the dead program"
dusk_pass "the dead program's algorithms are gone"
samples_rmmod_within kcryptoctx "$LIMIT" "after the program"
dusk_dmesg_clean "kcryptoctx, killed"
dusk_pass "dusk_kcryptoctx unloaded, the kernel log is clean"
echo "kcryptoctx-kill: all checks passed"
