#!/bin/sh
# dusk-mk.sh DUSK_REWRITE DUSK_MK MODULE_C LIBDUSKRT KDIR WORK_DIR
# A user project's Makefile with one line for the user build (dusk.mk):
# `make NAME` must produce a program that runs (`--help` lists the module's
# parameters).
set -eu
rw=$1 mk=$2 src=$3 rt=$4 kdir=$5 work=$6
abs() { case $1 in /*) echo "$1" ;; *) echo "$(pwd)/$1" ;; esac; }
rw=$(abs "$rw") rt=$(abs "$rt")
name=mod
rm -rf "$work"
mkdir -p "$work"
cp "$src" "$work/$name.c"
cat >"$work/Makefile" <<MK
include $mk
\$(eval \$(call dusk_user_build,$name))
MK
make -s -C "$work" DUSK_REWRITE="$rw" DUSK_LIBDIR="$(dirname "$rt")" KDIR="$kdir" "$name"
"$work/$name" --help | grep "parm"
"$work/$name" --help | grep -q "ports to watch"
