# Shared shell helpers for DUSK scripts: where the pinned kernel lives.
# Sourced, not executed.  Callers may override KDIR / DUSK_VMLINUZ.
DUSK_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=kernel.env
. "$DUSK_ROOT/scripts/kernel.env"
: "${KDIR:=/lib/modules/$DUSK_KABI/build}"
: "${DUSK_VMLINUZ:=/boot/vmlinuz-$DUSK_KABI}"
: "${DUSK_MODDIR:=/lib/modules/$DUSK_KABI}"
export DUSK_ROOT DUSK_KABI KDIR DUSK_VMLINUZ DUSK_MODDIR
