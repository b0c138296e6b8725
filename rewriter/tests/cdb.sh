#!/bin/sh
# cdb.sh DUSK_REWRITE MODULE_C KDIR WORK_DIR
# `-p DIR` (compile_commands.json, as written from Kbuild's own command line,
# gcc-only options and all) must give the same program as the default path
# (flags from a throwaway Kbuild).
set -eu
rw=$1 src=$2 kdir=$3 work=$4
case $rw in /*) ;; *) rw=$(pwd)/$rw ;; esac
name=$(basename "$src" .c)
rm -rf "$work"
mkdir -p "$work/m"
cp "$src" "$work/m/$name.c"
echo "obj-m := $name.o" >"$work/m/Kbuild"
make -s -C "$kdir" M="$work/m" modules >/dev/null
# Kbuild's command line for the object, JSON-escaped
cmd=$(sed -n '1s/^[^=]*:= *//p' "$work/m/.$name.o.cmd" | sed 's/ *;.*$//' |
	sed -e 's/\\/\\\\/g' -e 's/"/\\"/g')
cat >"$work/m/compile_commands.json" <<JSON
[ { "directory": "$(cd "$kdir" && pwd -P)", "command": "$cmd", "file": "$work/m/$name.c" } ]
JSON
(cd "$work/m" && "$rw" -p "$work/m" -o out-p "$name.c")
(cd "$work/m" && "$rw" --kdir "$kdir" -o out-k "$name.c")
diff -u "$work/m/out-k/$name.dusk.c" "$work/m/out-p/$name.dusk.c"
diff -u "$work/m/out-k/$name.decls.h" "$work/m/out-p/$name.decls.h"
echo "-p and Kbuild flags give the same $name.dusk.c"
