#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2317  # the steps are functions that step() calls
# A gateway whose object list does not fit one CoAP block registers anyway:
# 150 instances of 3303 exist before klwm2md starts, so the Register payload
# is about 2.5 KiB and goes out in Block1 blocks (RFC 7959); klwm2m-testsrv
# (libcoap, which reassembles Block1 itself) logs the Register with all 150
# instances of /3303 in its object list, and a Read of /3303/149 through the
# agent works. TAP output. Runs in the test VM with the module loaded, in a
# network namespace of its own (a fresh, empty store).
set -uo pipefail
if [ -z "${REG_BLOCK1_NETNS:-}" ]; then
	REG_BLOCK1_NETNS=1 exec unshare --net "$0" "$@"
fi
name=reg-block1
# shellcheck source=tests/e2e/reg-lib.bash
. "$(dirname "$0")/reg-lib.bash"

many() { # /3303/0 (from setup) .. /3303/149, the last one with a value
	local i
	for i in $(seq 1 149); do
		"$ctl" create "/3303/$i" >/dev/null || { echo "create /3303/$i failed"; return 1; }
	done
	"$ctl" set /3303/149/5700 -4.25 /3303/149/5701 Cel
}
step "the store is prepared (objects, /3303/0 .. /3303/149)" setup
step "149 more instances of 3303 exist" many

cat >"$work/scenario" <<SCN
wait-register 60
read /3303/149/5700 accept=text expect 2.05 value 5700=-4.25
read /3303/149 accept=tlv expect 2.05 content=tlv value 5701="Cel"
SCN

step "the server starts" start_server --timeout 10 "$work/scenario"
write_conf "$(cat "$work/port")" 60
step "the agent starts" start_agent

status=0
wait_exit "$spid" 120 || status=$?
spid=
step "the server's scenario passed (status $status)" [ "$status" = 0 ]
server_tap

register_objects() {
	local objs count i
	objs=$(grep -m1 -A1 "^# register rd/1" "$work/srv.out" | grep "objects:") ||
		{ cat "$work/srv.out"; return 1; }
	echo "# the object list: ${#objs} characters"
	[ "${#objs}" -gt 1024 ] || { echo "the object list fits one block: $objs"; return 1; }
	count=$(grep -o "</3303/[0-9]*>" <<<"$objs" | sort -u | wc -l)
	[ "$count" = 150 ] || { echo "$count instances of /3303, not 150: $objs"; return 1; }
	for i in 0 1 75 148 149; do
		grep -qF -- " </3303/$i>" <<<"$objs" || { echo "no </3303/$i> in: $objs"; return 1; }
	done
	grep -qF -- " </3/0>" <<<"$objs" || { echo "no </3/0> in: $objs"; return 1; }
}
step "Register lists all 150 instances of /3303 (more than one block)" register_objects
step "the agent logged the registration" grep -q "registered with server 1" "$work/agent.log"
no_error() { ! grep "^error: " "$work/agent.log"; }
step "the agent logged no error" no_error
[ "$rc" = 0 ] || show_agent_log
echo "1..$n"
exit "$rc"
