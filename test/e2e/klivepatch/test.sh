#!/bin/sh
# klivepatch's user build (guest script): klp_enable_patch() is refused,
# named in the kernel log, module_init fails with -EOPNOTSUPP as insmod
# reports it; the log stays clean.  Before, the kernel refused the patch
# itself with a misleading reason (-EINVAL, "module dusk_klivepatch is not
# marked as a livepatch module").
. /dusk/lib.sh
. /dusk/files/refused-lib.sh
set -u

refused_load klivepatch
refused_logged 'klp_enable_patch: kernel live patches cannot run in a user build' \
	"the live patch's refusal is named in the kernel log"
refused_logged 'klivepatch: klp_enable_patch: -95' "the module saw -EOPNOTSUPP"
refused_done klivepatch
