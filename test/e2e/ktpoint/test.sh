#!/bin/sh
# Real-kernel test of ktpoint (guest script, run by test/e2e/difftest in
# both builds: ktpoint.ko, then the DUSK user build).
#
# A script named tpfork forks three subshells and a script named tpexec is
# executed once; the module's tracepoint probes log and count them.
# Unloading logs the counts: in the user build tracepoint_probe_unregister()
# waits until the program has run the probes of the hits seen before.
# (Before, the user build's tracepoint_probe_register() was refused.)
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

samples_load ktpoint || dusk_fail "load ktpoint"
cat >/tmp/tpfork <<'EOS'
#!/bin/sh
for i in 1 2 3; do (:); done
EOS
printf '#!/bin/sh\nexit 0\n' >/tmp/tpexec
chmod +x /tmp/tpfork /tmp/tpexec
/tmp/tpfork || dusk_fail "tpfork"
/tmp/tpexec || dusk_fail "tpexec"
dusk_pass "tpfork forked three times, tpexec ran"
samples_unload_within ktpoint 30
samples_logged "ktpoint: again: -17"
samples_logged "ktpoint: probes on sched_process_fork and sched_process_exec"
samples_logged "ktpoint: exit: forks 3, execs 1"
[ "$(printf '%s\n' "$samples_log" | grep -c 'forks: tpfork forked a child of its name 1, other pid 1$')" = 3 ] ||
	dusk_fail "three fork lines"
dusk_pass "three fork lines"
samples_logged "ktpoint: execs: tpexec exec'ed, pid kept 1, is current 1"
echo "ktpoint: all checks passed"
