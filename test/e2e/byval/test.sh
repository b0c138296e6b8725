#!/bin/sh
# Real-kernel test of kbyval_long_name (guest script, run by
# test/e2e/difftest in both builds: the .ko, then the DUSK user build).
#
# Structs by value: /proc/kbyval must be owned by owner:owner+1 (kuid_t and
# kgid_t handed to proc_set_user() by value, made by make_kuid()/make_kgid(),
# which return them by value), and the log line carries the fields of the
# struct timespec64 ns_to_timespec64() returned.  The name is 16 characters:
# the user build's generic netlink family is a hashed name, and HELLO
# checks the full one.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

samples_load kbyval_long_name owner=1234 || dusk_fail "load kbyval_long_name"
[ -d /proc/kbyval ] || dusk_fail "no /proc/kbyval"
got=$(stat -c %u:%g /proc/kbyval)
[ "$got" = 1234:1235 ] || dusk_fail "/proc/kbyval is owned by $got, want 1234:1235"
dusk_pass "/proc/kbyval owned by $got"
samples_unload kbyval_long_name
samples_logged "kbyval_long_name: 1.500001234 owner 1234:1235"
samples_logged "kbyval_long_name: bye"
[ ! -e /proc/kbyval ] || dusk_fail "/proc/kbyval outlived the module"
dusk_pass "/proc/kbyval gone"
