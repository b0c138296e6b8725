#!/bin/sh
# kipi's user build (guest script): cross-CPU function calls, stop_machine(), a sysrq key,
# a TCP congestion control, a conntrack helper and an nf_tables expression
# are refused, each named in the kernel log, the module sees -EOPNOTSUPP,
# and the kernel log is otherwise clean (before, the IPI functions
# silently never ran and the registrations succeeded with callbacks that
# could not run).  Its keyboard notifier registers: it runs late
# (kbdnotif.c, e2e kkbd); so does its hard interrupt handler on the ACPI
# line, shared with the kernel's own handler: it runs in the line's thread
# (irq.c, e2e kedu).
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

dmesg -c >/dev/null
# what the kmod's stubs link against
for m in crc32c_generic libcrc32c nf_defrag_ipv4 nf_defrag_ipv6 nf_conntrack nfnetlink nf_tables; do
	insmod "/dusk/mod/$m.ko" || dusk_fail "insmod $m"
done
insmod /dusk/mod/dusk_kipi.ko || dusk_fail "insmod dusk_kipi"
/dusk/bin/kipi >/tmp/p.log 2>&1 &
pid=$!
samples_wait_log '^dusk: kipi: running' /tmp/p.log 30 "kipi did not start"
for line in 'kipi: smp_call_function_single: -95' 'kipi: stop_machine: -95' 'kipi: IPI functions ran: no' \
	'kipi: register_keyboard_notifier: 0' 'kipi: register_sysrq_key: -95' \
	'kipi: request_irq: 0' 'kipi: tcp_register_congestion_control: -95' \
	'kipi: nf_conntrack_helper_register: -95' 'kipi: nft_register_expr: -95'; do
	dmesg | grep -qF "$line" || { dmesg; dusk_fail "missing '$line'"; }
	dusk_pass "logged '$line'"
done
for what in 'smp_call_function_single: IPI functions' 'on_each_cpu_cond_mask: IPI functions' \
	'stop_machine: stop_machine functions' \
	'register_sysrq_key: sysrq handlers' \
	'tcp_register_congestion_control: TCP congestion control' \
	'nf_conntrack_helper_register: conntrack helpers' \
	'nft_register_expr: nf_tables expressions'; do
	dmesg | grep -qF "$what cannot run in a user build" ||
		{ dmesg; dusk_fail "the refusal of ${what%%:*} is not in the kernel log"; }
	dusk_pass "refused: ${what%%:*}"
done
kill -TERM $pid
wait $pid
rmmod dusk_kipi || dusk_fail "rmmod dusk_kipi"
dusk_dmesg_clean kipi
dusk_pass "the kernel log is clean"
echo "kipi: all checks passed"
