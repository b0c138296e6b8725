#!/bin/sh
# Real-kernel test of kedu (guest script, run by test/e2e/difftest in both
# builds: kedu.ko, then the DUSK user build), on a VM with QEMU's edu PCI
# device.  The driver binds the device, reads and writes its registers and
# takes its interrupts in a hard interrupt handler: in probe, then raised
# through /proc/kedu, then a factorial that ends with an interrupt; then
# the same with a quick handler and a thread function (threaded=1), with
# the thread function alone (threaded=2),
# with a coherent DMA buffer sent through the device and back and every
# claim made through devres (dma=1 managed=1), and with the line requested
# by request_any_context_irq() (anyctx=1), and taken as an MSI (msi=1);
# and with a second request of the line refused (twice=1).
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=20

# round PARAM...: load with PARAMs, raise interrupts, unload
round() {
	dmesg -c >/dev/null
	samples_load kedu "$@" || dusk_fail "load kedu $*"
	[ -e /proc/kedu ] || dusk_fail "no /proc/kedu"
	for v in 0x30 0x101; do
		echo "$v" >/proc/kedu || dusk_fail "raise $v through /proc/kedu"
	done
	echo "fact 6" >/proc/kedu || dusk_fail "fact 6 through /proc/kedu"
	got=$(cat /proc/kedu) || dusk_fail "read of /proc/kedu"
	echo "kedu: /proc/kedu reads \"$got\""
	[ "$got" = "irqs $((5 + extra)) last 0x1" ] || dusk_fail "/proc/kedu reads '$got'"
	echo "kedu: $(grep -c kedu /proc/interrupts) line(s) in /proc/interrupts"
	samples_unload_within kedu "$LIMIT"
	samples_logged "kedu: raised 0x5, handled 0x5 after 1 interrupts"
	samples_logged "kedu: 10! = 3628800, status 0x1 after 2 interrupts"
	samples_logged "kedu: raised 0x30, handled 0x30"
	samples_logged "kedu: raised 0x101, handled 0x101"
	samples_logged "kedu: 6! = 720"
	samples_logged "kedu: remove after $((5 + extra)) interrupts"
}

extra=0
round
samples_logged "kedu: device 1234:11e8, id 0x010000ed, liveness 0xedcb5432"
round threaded=1
samples_logged "kedu: device 1234:11e8, id 0x010000ed, liveness 0xedcb5432, threaded"
round threaded=2
samples_logged "kedu: device 1234:11e8, id 0x010000ed, liveness 0xedcb5432, thread only"
# two more interrupts: the DMA's two transfers
extra=2
round dma=1 managed=1
samples_logged "kedu: device 1234:11e8, id 0x010000ed, liveness 0xedcb5432, managed"
samples_logged "kedu: dma of 256 bytes there and back: same (0x03..0xfc)"
extra=0
round anyctx=1
samples_logged "kedu: request_any_context_irq: hard"
round msi=1
# a refused second request of the same line and dev_id leaves the first
# one serving (before, the user build's interrupts found no handler)
round twice=1
samples_logged "kedu: second request_irq, not shared: -16"
echo "kedu: all checks passed"
