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
scenario=/dusk/files/difftest-scenario

# guest_state: what a scenario may leave behind, one line each.  Builtins
# only in the process walk, so that the walk sees no process of its own.
guest_state() {
	cut -d' ' -f1 /proc/modules | sort
	/usr/sbin/ip -o link show | sed 's/^[0-9]*: //; s/[:@].*//' | sort
	ls /run/netns
	cut -d' ' -f2,3 /proc/mounts | sort
	# in this shell, into a file: a pipe's other end would be a process
	# of ours, met or not depending on when it starts
	for p in /proc/[0-9]*; do
		pid=${p#/proc/}
		[ "$pid" != 1 ] && [ "$pid" != $$ ] || continue
		# kernel threads have an empty command line
		read -r cmd <"$p/cmdline" 2>/dev/null
		[ -n "$cmd" ] || continue
		read -r comm <"$p/comm" 2>/dev/null && echo "process $comm"
	done >/run/.difftest-procs
	sort /run/.difftest-procs
	if dmesg | grep -qE 'Oops|WARNING:|BUG:|BUG [-a-z0-9_:]+ \(|Call Trace|soft lockup|general protection'; then
		echo "kernel complaint in dmesg"
	fi
}

# user_pids: the PIDs of the user processes (not kernel threads), builtins
# only: a child of ours would be one of them.
user_pids() {
	for p in /proc/[0-9]*; do
		read -r cmd <"$p/cmdline" 2>/dev/null
		[ -n "$cmd" ] && printf '%s ' "${p#/proc/}"
	done
}

# tidy_up: what a scenario commonly leaves and nothing of the user build's
# can depend on: the processes it started (packet sinks, listeners) and the
# network namespaces it made (their veth pairs go with them).
tidy_up() {
	for p in /proc/[0-9]*; do
		pid=${p#/proc/}
		read -r cmd <"$p/cmdline" 2>/dev/null
		[ -n "$cmd" ] && [ "$pid" != $$ ] || continue
		case " $before_pids " in *" $pid "*) ;; *) kill -9 "$pid" 2>/dev/null ;; esac
	done
	for n in $(ls /run/netns); do
		grep -qx "$n" /run/.difftest-netns || /usr/sbin/ip netns del "$n"
	done
	[ -s /run/.difftest-netns ] || ! grep -q ' /run/netns ' /proc/mounts || umount /run/netns
}

guest_state >/run/.difftest-before 2>&1
ls /run/netns >/run/.difftest-netns
before_pids=$(user_pids)
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
