#!/bin/sh
# Real-kernel test of kprobe (guest script, run by test/e2e/difftest in
# both builds: kprobe.ko, then the DUSK user build).
#
# A script named kpfork forks three subshells; the module's handlers print
# and count the forks whose task is named kpfork (kernel_clone() runs in
# the forking task), so the count is the scenario's own.  Unloading prints
# the counts: in the user build unregister_kprobe() waits until the
# program has run the handlers of the hits seen before.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=30

samples_load kprobe || dusk_fail "load kprobe"
# The probe planted to find kallsyms_lookup_name is gone; kernel_clone's is
# there.
grep -q ' /sys/kernel/debug ' /proc/mounts || mount -t debugfs none /sys/kernel/debug
probes=$(cat /sys/kernel/debug/kprobes/list)
printf '%s\n' "$probes" | grep -q 'kernel_clone' || dusk_fail "no kprobe on kernel_clone: $probes"
if printf '%s\n' "$probes" | grep -q 'kallsyms_lookup_name'; then
	dusk_fail "the kprobe on kallsyms_lookup_name is still planted: $probes"
fi
dusk_pass "kprobes planted: kernel_clone only"
cat >/tmp/kpfork <<'EOS'
#!/bin/sh
for i in 1 2 3; do (:); done
EOS
chmod +x /tmp/kpfork
/tmp/kpfork || dusk_fail "kpfork"
dusk_pass "kpfork forked three times"
samples_unload_within kprobe "$LIMIT"
samples_logged "kprobe: kallsyms_lookup_name found 1"
samples_logged "kprobe: planted kprobe at kernel_clone, address known 1"
samples_logged "kprobe: kprobe at kernel_clone unregistered: pre 3, post 3, missed 0"
[ "$(printf '%s\n' "$samples_log" | grep -c 'pre_handler: ip - addr = 1, cpu ok 1$')" = 3 ] ||
	dusk_fail "three pre_handler lines with ip one past the probe"
dusk_pass "three pre_handler lines with ip one past the probe"
echo "kprobe: all checks passed"
