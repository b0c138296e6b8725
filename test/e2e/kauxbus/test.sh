#!/bin/sh
# Real-kernel test of kauxbus (guest script, run by test/e2e/difftest in
# both builds: kauxbus.ko, then the DUSK user build).  The module's
# auxiliary driver binds to its auxiliary device by name.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

dmesg -c >/dev/null
samples_load kauxbus || dusk_fail "load kauxbus"
d=/sys/bus/auxiliary/devices/kauxbus.widget.3
[ -d $d ] || dusk_fail "no auxiliary device kauxbus.widget.3"
echo "kauxbus: driver $(basename "$(readlink $d/driver)"), parent $(basename "$(readlink -f $d/..)")"
ls /sys/bus/auxiliary/drivers/ | grep kauxbus | sed 's/^/kauxbus: driver dir /'
samples_unload kauxbus
samples_logged "kauxbus: probe kauxbus.gadget.0 by id kauxbus.gadget, driver kauxbus"
samples_logged "kauxbus: driver kauxbus registered, kauxbus.gadget.0 bound 1, probes 1 (kauxbus.gadget)"
samples_logged "kauxbus: probe kauxbus.widget.3 by id kauxbus.widget, driver kauxbus"
samples_logged "kauxbus: device kauxbus.widget.3 added, bound 1, probes 2 (kauxbus.widget)"
samples_logged "kauxbus: remove kauxbus.gadget.0 after 2 probe(s)"
samples_logged "kauxbus: remove kauxbus.widget.3 after 2 probe(s)"
samples_logged "kauxbus: bye"
[ -e /sys/bus/auxiliary/drivers/kauxbus ] && dusk_fail "driver left after unloading"
echo "kauxbus: all checks passed"
