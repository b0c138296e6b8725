#!/bin/sh
# guest.sh (in the VM): the install test's module, kernel build then user
# build through the installed dusk-run; both transcripts must be the same.
# /dusk/bin holds hello, dusk-run (installed copies), /dusk/asan/hello the
# user build compiled with ASan; /dusk/mod hello.ko and dusk_hello.ko.
. /dusk/lib.sh

# scenario OUT: the module is loaded with who=vm; read /proc twice.
scenario() {
	for i in 1 2; do
		timeout 10 cat /proc/dusk_hello >>"$1" || dusk_fail "reading /proc/dusk_hello"
	done
}

# log_since N: the module's kernel log lines after the first N lines (not
# the kernel's own about the module: taint on the first out-of-tree load)
log_since() {
	dmesg | tail -n +$(($1 + 1)) | sed -n 's/.*\] \(hello: .*\)/\1/p' | grep -v 'taint'
}

# the kernel build
n=$(dmesg | wc -l)
insmod /dusk/mod/hello.ko who=vm || dusk_fail "insmod hello.ko"
scenario /tmp/kernel.out
rmmod hello || dusk_fail "rmmod hello"
log_since "$n" >>/tmp/kernel.out

# user_build PROG OUT: the scenario on the user build PROG, through the
# installed dusk-run (which loads and unloads dusk_hello.ko)
user_build() {
	n=$(dmesg | wc -l)
	dusk-run --kmod /dusk/mod/dusk_hello.ko "$1" who=vm >/tmp/prog.log 2>&1 &
	pid=$!
	i=0
	until grep -q "^dusk: hello: running" /tmp/prog.log; do
		i=$((i + 1))
		[ $i -le 300 ] || { cat /tmp/prog.log; dusk_fail "$1 did not start within 30 s"; }
		kill -0 $pid 2>/dev/null || { cat /tmp/prog.log; dusk_fail "dusk-run $1 ended early"; }
		sleep 0.1
	done
	scenario "$2"
	# SIGTERM: an asynchronous command of a non-interactive shell ignores SIGINT
	kill -TERM $pid
	i=0
	while kill -0 $pid 2>/dev/null; do
		i=$((i + 1))
		[ $i -le 100 ] || { cat /tmp/prog.log; dusk_fail "dusk-run $1 still running 10 s after SIGTERM"; }
		sleep 0.1
	done
	wait $pid
	rc=$?
	[ $rc -eq 0 ] || { cat /tmp/prog.log; dusk_fail "dusk-run $1 exited with $rc"; }
	[ ! -d /sys/module/dusk_hello ] || dusk_fail "dusk-run left dusk_hello loaded"
	log_since "$n" >>"$2"
}
user_build /dusk/bin/hello /tmp/user.out
# the same module built with -fsanitize=address (README)
user_build /dusk/asan/hello /tmp/asan.out

echo "--- kernel build"
cat /tmp/kernel.out
echo "--- user build"
cat /tmp/user.out
echo "--- user build with ASan"
cat /tmp/asan.out
cmp -s /tmp/kernel.out /tmp/user.out || dusk_fail "the two builds differ"
cmp -s /tmp/kernel.out /tmp/asan.out || dusk_fail "the ASan user build differs"
grep -q "^$GREETING vm: read 2\$" /tmp/user.out || dusk_fail "expected the greeting '$GREETING'"
dusk_pass "hello: kernel build and installed user build agree"
dusk_dmesg_clean
