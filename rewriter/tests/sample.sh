#!/bin/sh
# sample.sh DUSK_REWRITE MODULE_C INCLUDE_DIR LIBDUSKRT DUSK_BUILD KDIR WORK_DIR
#
# One real module through the whole user build: dusk-rewrite writes its
# outputs; the user program compiles warning-free (-Wall -Werror) against
# DUSK's include/ alone and links with libduskrt; the generated kmod builds
# with Kbuild against KDIR (warnings are errors there too); and gdb maps a
# line of the module's own source to an address of the program, so
# `break mymod.c:LINE` works.
set -eu
rw=$1 src=$2 inc=$3 rt=$4 dusk_build=$5 kdir=$6 work=$7
name=$(basename "$src" .c)
rm -rf "$work"
mkdir -p "$work"

"$rw" --kdir "$kdir" -o "$work/$name.dusk" "$src"
gen=$work/$name.dusk
for f in "$name.dusk.c" "$name.decls.h" "$name.types.c" kmod/Kbuild "kmod/dusk_${name}_gen.c"; do
	[ -s "$gen/$f" ] || { echo "FAIL: $f missing"; exit 1; }
done
cc -g -O0 -Wall -Werror -I"$inc" -I"$gen" -o "$work/$name" \
	"$gen/$name.dusk.c" "$gen/$name.types.c" \
	-L"$(dirname "$rt")" -Wl,-rpath,"$(dirname "$rt")" -lduskrt
# the kmod as users build it, warning-free
"$dusk_build" --kdir "$kdir" --core-cache "${DUSK_CORE_CACHE:-none}" -o "$work/kmod-build" \
	--kmod "$gen" >/dev/null 2>"$work/kbuild.err" || { cat "$work/kbuild.err"; exit 1; }
if grep -q 'warning:' "$work/kbuild.err"; then
	cat "$work/kbuild.err"
	echo "FAIL: warnings in the kmod's build"
	exit 1
fi
[ -f "$work/kmod-build/dusk_$name.ko" ] || { echo "FAIL: no dusk_$name.ko"; exit 1; }

# a line of the module's own code: its first `return`
line=$(grep -n 'return' "$src" | head -1 | cut -d: -f1)
out=$(gdb -nx -batch -ex "info line $name.c:$line" "$work/$name" 2>&1)
echo "$out"
echo "$out" | grep -q "Line $line of \".*$name.c\" starts at address" ||
	{ echo "FAIL: gdb cannot map $name.c:$line"; exit 1; }
