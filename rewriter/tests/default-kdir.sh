#!/bin/sh
# default-kdir.sh DUSK_REWRITE MODULE_C WORK_DIR
# Without --kdir or KDIR, dusk-rewrite builds against the running kernel
# (/lib/modules/$(uname -r)/build), never a tree baked in at build time;
# when those headers are missing it says which package to install.
set -eu
rw=$1 src=$2 work=$3
case $rw in /*) ;; *) rw=$(pwd)/$rw ;; esac
rel=$(uname -r)
unset KDIR
"$rw" --help | grep -qF "/lib/modules/$rel/build" ||
	{ echo "FAIL: --help does not name the running kernel's tree:"; "$rw" --help; exit 1; }
rm -rf "$work"
mkdir -p "$work"
cp "$src" "$work/mod.c"
if [ -f "/lib/modules/$rel/build/Makefile" ]; then
	(cd "$work" && "$rw" mod.c) || { echo "FAIL: rewriting against the running kernel"; exit 1; }
	echo "ok: rewrote against the running kernel $rel"
else
	st=0
	(cd "$work" && "$rw" mod.c) 2>"$work/stderr" || st=$?
	[ $st = 1 ] || { echo "FAIL: exit status $st, want 1"; exit 1; }
	grep -qF "install linux-headers-$rel" "$work/stderr" ||
		{ echo "FAIL: the error does not name linux-headers-$rel:"; cat "$work/stderr"; exit 1; }
	[ ! -e "$work/mod.dusk" ] || { echo "FAIL: output written"; exit 1; }
	echo "ok: no headers for $rel, and the error says to install linux-headers-$rel"
fi
