# Shared shell helpers for DUSK scripts: where the pinned kernel lives.
# Sourced, not executed.  Callers may override KDIR / DUSK_VMLINUZ.
DUSK_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=kernel.env
. "$DUSK_ROOT/scripts/kernel.env"
: "${KDIR:=/lib/modules/$DUSK_KABI/build}"
: "${DUSK_VMLINUZ:=/boot/vmlinuz-$DUSK_KABI}"
: "${DUSK_MODDIR:=/lib/modules/$DUSK_KABI}"
# arm64: Debian's packages of the pinned version, unpacked (not installed:
# they depend on arm64's gcc, which cannot be installed beside amd64's).
: "${DUSK_ARM64_ROOT:=/var/cache/dusk/arm64}"
: "${KDIR_ARM64:=$DUSK_ARM64_ROOT/usr/src/linux-headers-$DUSK_KABI_ARM64}"
export DUSK_ROOT DUSK_KABI KDIR DUSK_VMLINUZ DUSK_MODDIR DUSK_KABI_ARM64 DUSK_ARM64_ROOT KDIR_ARM64

# dusk_kmake_args KDIR: Kbuild's extra arguments for a tree of another
# architecture than this machine's (ARCH= CROSS_COMPILE=), nothing for a
# native one.  (scripts/dusk-build, which is installed alone, has its own.)
dusk_kmake_args() {
	local a
	a=$(sed -n 's/^override ARCH = //p' "$1/.kernelvariables" 2>/dev/null)
	[ -n "$a" ] || ! grep -q '^CONFIG_ARM64=y' "$1/.config" 2>/dev/null || a=arm64
	case $a:$(uname -m) in
	arm64:aarch64 | x86:x86_64 | : | *:) ;;
	arm64:*) echo "ARCH=arm64 CROSS_COMPILE=${CROSS_COMPILE:-aarch64-linux-gnu-}" ;;
	*) echo "ARCH=$a${CROSS_COMPILE:+ CROSS_COMPILE=$CROSS_COMPILE}" ;;
	esac
}
