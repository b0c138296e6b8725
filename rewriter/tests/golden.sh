#!/bin/sh
# golden.sh DUSK_REWRITE CASE_DIR INCLUDE_DIR [WORK_DIR] [--update]
#
# One golden case of dusk-rewrite: CASE_DIR holds
#   input.c              the module source
#   *.h                  the module's own headers, beside it
#   Kbuild, Makefile     the module's own build files, beside it
#   cmd                  extra dusk-rewrite options (one line, may be empty)
#   expected.dusk.c      the expected mymod.dusk.c after normalisation, or
#   expected.stderr      the expected diagnostics (then the exit status must
#                        be non-zero and nothing may be written)
#   expected.kmod.c      optional: the expected kmod/dusk_input_gen.c after
#                        normalisation (the layout assertions are left out;
#                        --update refreshes it only when the file exists)
#   kbuild               optional, empty: the generated kmod must also build
#                        with Kbuild, warning-free (needs DUSK_BUILD, the
#                        scripts/dusk-build path, and DUSK_KDIR in the
#                        environment; DUSK_CORE_CACHE: dusk-build's core cache)
# Normalisation: #line paths become base names; type ids, kernel symbol
# ids and the stub hash (owned by typegen / table order) become ID / HASH.
# A success case must also compile: cc -Wall -Werror -fsyntax-only with
# DUSK's include/ only.  With --update the expectations are rewritten.
set -eu
rw=$1 case=$2 inc=$3 work=${4:-} update=${5:-}
if [ "$work" = --update ]; then update=--update; work=; fi
case $rw in /*) ;; *) rw=$(pwd)/$rw ;; esac
if [ -n "$work" ]; then
	tmp=$work
	rm -rf "$tmp"
	mkdir -p "$tmp"
else
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
fi

norm() {
	sed -E -e 's|^#line ([0-9]+) "([^"]*/)?([^/"]+)"|#line \1 "\3"|' \
	       -e 's/dusk_commit\((&?a[0-9]+|&r|\(const void \*\)\(uintptr_t\)dusk_sv\[[0-9]+\]), [0-9]+, /dusk_commit(\1, ID, /' \
	       -e 's/dusk_ksym\([0-9]+\)/dusk_ksym(ID)/g' \
	       -e 's/(DUSK_LOCAL(_ARRAY)?\([A-Za-z0-9_]+), [0-9]+\)/\1, ID)/' \
	       -e 's/^(\t\{ "[A-Za-z0-9_:]+", &[A-Za-z0-9_]+, sizeof\([A-Za-z0-9_]+\), )-?[0-9]+ \}/\1ID }/' \
	       -e 's/stub_hash = 0x[0-9a-f]+ULL/stub_hash = HASH/'
}

# the kmod: its stub table and stubs; layout assertions are typegen's
norm_kmod() {
	sed -E -e '/^\tBUILD_BUG_ON\(/d' \
	       -e 's/\(hash 0x[0-9a-f]+\)/(hash HASH)/' \
	       -e 's/(stub|layout)_hash = 0x[0-9a-f]+ULL/\1_hash = HASH/'
}

cp "$case/input.c" "$tmp/input.c"
# the module's own headers beside it, and other.c: a second source file
for h in "$case"/*.h "$case"/Kbuild "$case"/Makefile "$case"/other.c; do [ ! -e "$h" ] || cp "$h" "$tmp/"; done
args=$(cat "$case/cmd" 2>/dev/null || true)
status=0
(cd "$tmp" && eval "\"$rw\" $args -o out input.c") >"$tmp/stdout" 2>"$tmp/stderr" || status=$?

if [ -f "$case/expected.stderr" ]; then
	# the tmp path never appears: the source is given relatively
	if [ "$update" = --update ]; then
		cp "$tmp/stderr" "$case/expected.stderr"
		exit 0
	fi
	[ "$status" -ne 0 ] || { echo "FAIL: exit status 0, diagnostics expected"; exit 1; }
	[ ! -e "$tmp/out" ] || { echo "FAIL: output written despite errors"; exit 1; }
	if ls "$tmp" | grep -q '\.tmp\.'; then echo "FAIL: temporary output left behind"; exit 1; fi
	diff -u "$case/expected.stderr" "$tmp/stderr"
	exit $?
fi

[ "$status" -eq 0 ] || { echo "FAIL: dusk-rewrite exited $status"; cat "$tmp/stderr"; exit 1; }
# input.dusk.c, or MOD.dusk.c for a module of several files (Kbuild)
out_c=$(ls "$tmp"/out/*.dusk.c | head -n 1)
norm <"$out_c" >"$tmp/actual.dusk.c"
if [ "$update" = --update ]; then
	cp "$tmp/actual.dusk.c" "$case/expected.dusk.c"
else
	diff -u "$case/expected.dusk.c" "$tmp/actual.dusk.c"
fi
if [ -f "$case/expected.kmod.c" ]; then
	norm_kmod <"$tmp/out/kmod/dusk_input_gen.c" >"$tmp/actual.kmod.c"
	if [ "$update" = --update ]; then
		cp "$tmp/actual.kmod.c" "$case/expected.kmod.c"
	else
		diff -u "$case/expected.kmod.c" "$tmp/actual.kmod.c"
	fi
fi
if [ -f "$case/kbuild" ]; then
	# as users build it (dusk-build --kmod); warnings count as errors
	"${DUSK_BUILD:?kbuild case: DUSK_BUILD unset}" --kdir "${DUSK_KDIR:?kbuild case: DUSK_KDIR unset}" \
		--core-cache "${DUSK_CORE_CACHE:-none}" -o "$tmp/kmod-build" --kmod "$tmp/out" \
		>/dev/null 2>"$tmp/kbuild.err" || { cat "$tmp/kbuild.err" >&2; exit 1; }
	if grep -q 'warning:' "$tmp/kbuild.err"; then
		cat "$tmp/kbuild.err" >&2
		echo "golden: warnings in the kmod's build (treated as errors)" >&2
		exit 1
	fi
fi
# the output must compile against DUSK's headers alone
cc -Wall -Werror -fsyntax-only -I"$inc" -I"$tmp/out" "$out_c"
cc -Wall -Werror -fsyntax-only -I"$inc" -I"$tmp/out" "${out_c%.dusk.c}.types.c"
