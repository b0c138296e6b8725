#!/bin/sh
# cross-target.sh DUSK_REWRITE DUSK_BUILD RT_LIB INCLUDE LWFW_C KDIR_ARM64 WORK
# A kernel tree of another architecture (docs/remote.md):
# 1. a target whose data model is not this machine's (32-bit, big-endian)
#    is refused at rewrite time, saying why, with nothing written -- faked
#    with compile databases naming such targets (no kernel tree needed);
# 2. with the arm64 tree (scripts/setup), lwfw's user build is an x86-64
#    program whose layout assertions (arm64's layouts, from the arm64
#    parse) compile here, and dusk_lwfw.ko is an arm64 module of that kernel.
set -eu
rw=$1 build=$2 rtlib=$3 inc=$4 lwfw=$5 kdir64=$6 work=$7
case $rw in /*) ;; *) rw=$(pwd)/$rw ;; esac
case $rtlib in /*) ;; *) rtlib=$(pwd)/$rtlib ;; esac
rm -rf "$work"
mkdir -p "$work/m"
printf '#include <linux/module.h>\nMODULE_LICENSE("GPL");\n' >"$work/m/m.c"
refused() {
	printf '[ { "directory": "%s", "command": "%s -nostdinc -c %s -o m.o", "file": "%s" } ]\n' \
		"$work/m" "$1" "$work/m/m.c" "$work/m/m.c" >"$work/m/compile_commands.json"
	rc=0
	(cd "$work/m" && "$rw" -p "$work/m" -o out m.c) >"$work/err" 2>&1 || rc=$?
	[ $rc != 0 ] || { echo "FAIL: $1: not refused"; exit 1; }
	grep -qF "the kernel is built for $2 ($3," "$work/err" ||
		{ echo "FAIL: $1: not refused for its data model:"; cat "$work/err"; exit 1; }
	grep -q "DUSK does not translate between data models" "$work/err" ||
		{ echo "FAIL: $1: no reason"; cat "$work/err"; exit 1; }
	[ ! -e "$work/m/out" ] || { echo "FAIL: $1: output written"; exit 1; }
	echo "ok: refused $2"
}
refused "gcc --target=mips-linux-gnu" mips-unknown-linux-gnu "32-bit pointers, 4-byte long, big-endian"
refused "arm-linux-gnueabihf-gcc-12" armv7-unknown-linux-gnueabihf "32-bit pointers, 4-byte long, little-endian"
refused "gcc --target=aarch64_be-linux-gnu" aarch64_be-unknown-linux-gnu "64-bit pointers, 8-byte long, big-endian"

if [ ! -f "$kdir64/Makefile" ] || ! command -v aarch64-linux-gnu-gcc >/dev/null; then
	echo "no arm64 kernel tree or cross compiler (scripts/setup): the cross build is not tested"
	exit 0
fi
"$build" --kdir "$kdir64" -o "$work/lwfw" --rewrite "$rw" --rt-lib "$rtlib" --include "$inc" \
	--core-cache "${DUSK_CORE_CACHE:-none}" "$lwfw" >"$work/build.log" 2>&1 ||
	{ cat "$work/build.log"; echo "FAIL: dusk-build of lwfw against $kdir64"; exit 1; }
file -L "$work/lwfw/lwfw" | grep -q "x86-64\|$(uname -m | tr _ -)" || { echo "FAIL: the program is not built for here"; exit 1; }
LC_ALL=C readelf -h "$work/lwfw/dusk_lwfw.ko" | grep -q AArch64 || { echo "FAIL: dusk_lwfw.ko is not arm64"; exit 1; }
modinfo -F vermagic "$work/lwfw/dusk_lwfw.ko" | grep -q "$(basename "$(dirname "$(readlink -f "$kdir64/Makefile")")" | sed 's/linux-headers-//') .*aarch64" ||
	{ echo "FAIL: dusk_lwfw.ko: $(modinfo -F vermagic "$work/lwfw/dusk_lwfw.ko")"; exit 1; }
n=$(grep -c '_Static_assert' "$work/lwfw/lwfw.dusk/lwfw.types.c")
[ "$n" -gt 100 ] || { echo "FAIL: only $n layout assertions"; exit 1; }
echo "ok: lwfw for arm64: program for $(uname -m), dusk_lwfw.ko for arm64, $n layout assertions hold"
