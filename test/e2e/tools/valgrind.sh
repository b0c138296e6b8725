#!/bin/sh
# The user build runs under valgrind (guest script, run by scripts/vm-run -V):
# proclist's program under memcheck through module_init, /proc writes and
# reads served by its callbacks, and module_exit on SIGTERM -- and memcheck
# reports nothing: no invalid access, no use of uninitialised memory, no
# definite leak in the program or libduskrt (dusk.supp: what is not ours).
# Under TCG memcheck is slow: the kmod waits long for the callbacks.
. /dusk/lib.sh
set -u
insmod /dusk/mod/dusk_proclist.ko block_timeout_ms=120000 || dusk_fail "insmod dusk_proclist"

valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
	--show-leak-kinds=definite --suppressions=/dusk/files/dusk.supp \
	/dusk/bin/proclist >/tmp/vg.log 2>&1 &
vg=$!
i=0
until grep -q '^dusk: proclist: running' /tmp/vg.log; do
	kill -0 $vg 2>/dev/null || { cat /tmp/vg.log; dusk_fail "proclist died under valgrind"; }
	i=$((i + 1))
	[ $i -le 1200 ] || { cat /tmp/vg.log; dusk_fail "proclist did not start under valgrind"; }
	sleep 0.1
done
dusk_pass "module_init ran under valgrind"

echo "add alpha" >/proc/proclist || { cat /tmp/vg.log; dusk_fail "write to /proc/proclist"; }
echo "add bravo" >/proc/proclist || { cat /tmp/vg.log; dusk_fail "second write to /proc/proclist"; }
got=$(cat /proc/proclist | tr '\n' ,)
[ "$got" = "1 alpha,2 bravo," ] || { cat /tmp/vg.log; dusk_fail "/proc/proclist read '$got'"; }
dusk_pass "/proc/proclist written and read through the program's callbacks"

kill -TERM $vg
wait $vg
rc=$?
cat /tmp/vg.log
grep -q 'proclist: freed 2 entries' /tmp/vg.log || dusk_fail "module_exit did not run"
[ $rc -eq 0 ] || dusk_fail "valgrind reported errors (exit status $rc)"
grep -q 'ERROR SUMMARY: 0 errors' /tmp/vg.log || dusk_fail "memcheck counted errors"
dusk_pass "memcheck: 0 errors, no definite leak"
rmmod dusk_proclist || dusk_fail "rmmod dusk_proclist"
dusk_dmesg_clean valgrind
echo "valgrind: all checks passed"
