#!/bin/sh
# difftest's guest side when both builds run in one boot (test/e2e/difftest):
# the scenario (/dusk/files/difftest-scenario) with the kernel build, then,
# if it left the guest as it found it, with the user build.  The host splits
# the transcript at the marker lines:
#   DUSK_DIFFTEST_KERNEL_RC=N   the kernel build's run ended with N
#   DUSK_DIFFTEST_SAME          the guest is as before: the user build runs here
#   DUSK_DIFFTEST_CHANGED       it is not (what changed follows, on stderr's
#                               way to the log): the host boots again for it
#   DUSK_DIFFTEST_USER_RC=N     the user build's run ended with N
# A scenario that leaves a module loaded, a network namespace, an interface,
# a mount, a process or a kernel complaint behind gets a fresh boot for the
# user build, as every scenario did before: nothing the kernel build did can
# change what the user build is compared on.
. /dusk/lib.sh
scenario=/dusk/files/difftest-scenario

# user_procs FILE: "PID COMM" of each user process (not a kernel thread:
# its command line is empty) but init and this shell, into FILE.  Builtins
# only, in this shell: a child or a pipe's other end would be a process of
# ours, met or not depending on when it starts.
user_procs() {
	for p in /proc/[0-9]*; do
		pid=${p#/proc/} cmd=
		[ "$pid" != 1 ] && [ "$pid" != $$ ] || continue
		read -r cmd <"$p/cmdline" 2>/dev/null
		[ -n "$cmd" ] || continue
		read -r comm <"$p/comm" 2>/dev/null && echo "$pid $comm"
	done >"$1"
}

# guest_state: what a scenario may leave behind, one line each.
guest_state() {
	cut -d' ' -f1 /proc/modules | sort
	/usr/sbin/ip -o link show | sed 's/^[0-9]*: //; s/[:@].*//' | sort
	ls /run/netns
	cut -d' ' -f2,3 /proc/mounts | sort
	user_procs /run/.difftest-procs
	sed 's/^[0-9]* /process /' /run/.difftest-procs | sort
	! dusk_dmesg_troubled || echo "kernel complaint in dmesg"
}

# tidy_up: what a scenario commonly leaves and nothing of the user build's
# can depend on: the processes it started (packet sinks, listeners) and the
# network namespaces it made (their veth pairs go with them).
tidy_up() {
	user_procs /run/.difftest-procs
	while read -r pid comm; do
		grep -q "^$pid " /run/.difftest-procs-before || kill -9 "$pid" 2>/dev/null
	done </run/.difftest-procs
	for n in $(ls /run/netns); do
		grep -qx "$n" /run/.difftest-netns || /usr/sbin/ip netns del "$n"
	done
	[ -s /run/.difftest-netns ] || ! grep -q ' /run/netns ' /proc/mounts || umount /run/netns
}

guest_state >/run/.difftest-before 2>&1
cp /run/.difftest-procs /run/.difftest-procs-before
ls /run/netns >/run/.difftest-netns
/bin/sh "$scenario"
echo "DUSK_DIFFTEST_KERNEL_RC=$?"

# A process the scenario stopped may still be on its way out.
same=0
for try in 1 2 3 4; do
	guest_state >/run/.difftest-after 2>&1
	if cmp -s /run/.difftest-before /run/.difftest-after; then
		same=1
		break
	fi
	[ "$try" != 2 ] || tidy_up
	sleep 1
done
if [ "$same" = 0 ]; then
	echo "DUSK_DIFFTEST_CHANGED"
	diff /run/.difftest-before /run/.difftest-after | sed -n 's/^[-+][^-+]/  &/p'
	exit 0
fi
echo "DUSK_DIFFTEST_SAME"

# What the kernel build's run wrote stays out of the user build's way: its
# files and its log lines.
rm -rf /tmp/* /tmp/.[!.]* 2>/dev/null
dmesg -c >/dev/null
DUSK_MODE=user /bin/sh "$scenario"
echo "DUSK_DIFFTEST_USER_RC=$?"
exit 0
