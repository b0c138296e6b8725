#!/bin/sh
# kuart's user build (guest script): uart_add_one_port() is refused, named
# in the kernel log, module_init fails with -EOPNOTSUPP as insmod reports
# it, and the log stays clean (before, the load succeeded and the port's
# start_tx() never ran: a write to /dev/ttyKU0 was never sent, and the
# modem lines were read from an error code).
. /dusk/lib.sh
. /dusk/files/refused-lib.sh
set -u

refused_load kuart
[ ! -e /sys/class/tty/ttyKU0 ] || dusk_fail "the port is there"
dusk_pass "no port left behind"
refused_logged 'uart_add_one_port: serial_core UART ports cannot run in a user build' \
	"the refusal is named in the kernel log"
refused_logged 'kuart: uart_add_one_port failed: -95' "the module saw -EOPNOTSUPP"
refused_done kuart
