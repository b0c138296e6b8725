#!/bin/sh
# krxh's user build (guest script): netdev_rx_handler_register() is refused,
# named in the kernel log, module_init fails with -EOPNOTSUPP as insmod
# reports it, and frames go on being received on lo with a clean log.
# Before, the registration succeeded and the first frame on lo met a
# blocking proxy in the receive softirq, whose -EWOULDBLOCK is no
# rx_handler_result_t: __netif_receive_skb_core() BUG()s on it.
. /dusk/lib.sh
. /dusk/files/refused-lib.sh
set -u

refused_load krxh
ping -c 1 -W 2 127.0.0.1 >/dev/null 2>&1 || dusk_fail "ping over lo"
dusk_pass "lo receives"
refused_logged 'netdev_rx_handler_register: network device rx_handlers cannot run in a user build' \
	"the refusal is named in the kernel log"
refused_logged 'krxh: rx_handler on lo: -95' "the module saw -EOPNOTSUPP"
refused_done krxh
