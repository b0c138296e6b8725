#!/bin/sh
# Real-kernel test of proclist (guest script, run by test/e2e/difftest in
# both builds: proclist.ko, then the DUSK user build).
#
# Edits the module's list through /proc/proclist and checks, after each
# step, what the kernel's seq_list walk (cat /proc/proclist) and the
# module's own list_for_each_entry walk (cat /proc/proclist_stats) see;
# at unload the module must free and count the entries left.
#
# Every read and write of a /proc file is bounded (LIMIT seconds, then
# SIGKILL): a list walk that never meets the list head again fails that
# check with a message instead of hanging the VM.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=20

# why_failed ERR: a hint for a failed /proc access.
why_failed() {
	case $1 in
	*"timed out"*)
		echo "(the program did not answer within the DUSK kmod's" \
			"block_timeout_ms: a list walk that never ends?)" ;;
	esac
}

# hung WHAT: WHAT did not finish within LIMIT seconds.
hung() {
	samples_user_state proclist
	dusk_fail "$1 did not finish within ${LIMIT}s (killed): a list walk that never ends?"
}

# read_proc FILE: FILE's contents in $got.
read_proc() {
	timeout -s KILL "$LIMIT" cat "$1" >/tmp/got 2>/tmp/err
	rc=$?
	[ $rc -ne 137 ] || hung "reading $1"
	if [ $rc -ne 0 ]; then
		samples_user_state proclist
		dusk_fail "reading $1 failed (status $rc): $(cat /tmp/err)" \
			"$(why_failed "$(cat /tmp/err)")"
	fi
	got=$(cat /tmp/got)
}

# expect_proc FILE WANT: FILE reads exactly WANT.
expect_proc() {
	read_proc "$1"
	if [ "$got" != "$2" ]; then
		printf 'got:\n%s\nwant:\n%s\n' "$got" "$2"
		dusk_fail "$1 differs"
	fi
	if [ -n "$got" ]; then
		dusk_pass "$1: $(printf '%s' "$got" | tr '\n' ',')"
	else
		dusk_pass "$1: (empty)"
	fi
}

# expect_list LINES... / expect_stats COUNT SUM EMPTY: both files.
expect_list() {
	want=''
	for l in "$@"; do
		want="${want:+$want
}$l"
	done
	expect_proc /proc/proclist "$want"
}
expect_stats() {
	expect_proc /proc/proclist_stats "count $1
sum $2
empty $3"
}

# write_cmd CMD: write "CMD\n" to /proc/proclist in one write(); the
# status in $rc, the shell's error message in $err.
write_cmd() {
	# shellcheck disable=SC2016
	timeout -s KILL "$LIMIT" sh -c 'echo "$1" >/proc/proclist' sh "$1" 2>/tmp/err
	rc=$?
	[ $rc -ne 137 ] || hung "writing '$1' to /proc/proclist"
	err=$(cat /tmp/err)
}
cmd_ok() {
	write_cmd "$1"
	if [ $rc -ne 0 ]; then
		samples_user_state proclist
		dusk_fail "'$1' refused (status $rc): $err $(why_failed "$err")"
	fi
	dusk_pass "'$1' accepted"
}
# uaddr_cmd CMD PATTERN PERMS: cmd_ok from a buffer that, in the user
# build, lies at the start of the program's PERMS mapping of PATTERN: the
# callback's `ubuf` is the writer's address, whatever the program keeps
# at the same one.
uaddr_cmd() {
	# shellcheck disable=SC2046
	timeout -s KILL "$LIMIT" uaddr write /proc/proclist "$1" \
		$(samples_uaddr_at proclist "$2" "$3") 2>/tmp/err
	rc=$?
	[ $rc -ne 137 ] || hung "writing '$1' to /proc/proclist"
	[ $rc -eq 0 ] || dusk_fail "'$1' (a buffer at the program's $3 $2) refused: $(cat /tmp/err)"
	dusk_pass "'$1' accepted from a buffer at the program's own addresses"
}
cmd_refused() {
	write_cmd "$1"
	[ $rc -ne 0 ] || dusk_fail "'$1' accepted, want refused"
	dusk_pass "'$1' refused: $err"
}

samples_load proclist || dusk_fail "insmod proclist"
[ -e /proc/proclist ] || dusk_fail "no /proc/proclist"
[ -e /proc/proclist_stats ] || dusk_fail "no /proc/proclist_stats"

echo "== an empty list"
expect_list
expect_stats 0 0 yes

echo "== three entries"
cmd_ok "add alpha"
cmd_ok "add bravo"
cmd_ok "add charlie"
expect_list "1 alpha" "2 bravo" "3 charlie"
expect_stats 3 6 no

echo "== delete the middle one"
cmd_ok "del bravo"
expect_list "1 alpha" "3 charlie"
expect_stats 2 4 no
cmd_refused "del bravo"
cmd_refused "del zulu"
cmd_refused "frobnicate"
# 32 characters: one more than the name field holds.
cmd_refused "add abcdefghijklmnopqrstuvwxyz012345"
expect_list "1 alpha" "3 charlie"

echo "== add after delete, then clear"
cmd_ok "add delta"
expect_list "1 alpha" "3 charlie" "4 delta"
expect_stats 3 8 no
cmd_ok "clear"
expect_list
expect_stats 0 0 yes

echo "== the writer's buffer where the program keeps its globals, its code"
uaddr_cmd "add golf" /dusk/bin/proclist rw-p
uaddr_cmd "add hotel" libduskrt r-xp
expect_list "5 golf" "6 hotel"
cmd_ok "clear"

echo "== two entries left for unload"
cmd_ok "add echo"
cmd_ok "add foxtrot"
expect_list "7 echo" "8 foxtrot"
expect_stats 2 15 no

# module_exit walks the list too: bound the wait for it.
samples_unload_within proclist "$LIMIT" "a list walk that never ends?"
samples_logged "proclist: loaded"
samples_logged "proclist: freed 2 entries"
[ ! -e /proc/proclist ] || dusk_fail "/proc/proclist outlived the module"
[ ! -e /proc/proclist_stats ] || dusk_fail "/proc/proclist_stats outlived the module"
dusk_pass "/proc/proclist and /proc/proclist_stats gone"

dusk_dmesg_clean proclist
echo "proclist: all checks passed"
