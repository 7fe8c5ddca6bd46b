#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2317  # the steps are functions that step() calls
# The device's server is not there yet: at its address a plain CoAP server
# (libcoap's coap-server-notls, no /rd) answers Register with 4.04, then
# nothing listens at all, then the LwM2M server (klwm2m-testsrv) comes up.
# klwm2md logs each refusal with its code, retries as the Server object's
# communication retry resources say (/1/0/17..20 set small here: 3 attempts
# 1 s and 2 s apart, 3 s between sequences, 2 sequences before it says
# registration failed) and registers once the server is up; meanwhile it
# keeps serving (a stranger's request is answered). TAP output. Runs in the
# test VM with the module loaded, in a network namespace of its own.
set -uo pipefail
if [ -z "${REG_RETRY_NETNS:-}" ]; then
	REG_RETRY_NETNS=1 exec unshare --net "$0" "$@"
fi
name=reg-retry
# shellcheck source=tests/e2e/reg-lib.bash
. "$(dirname "$0")/reg-lib.bash"
coapsrv=$(command -v coap-server-notls || true)
if [ -z "$coapsrv" ]; then
	echo "not ok 1 - $name: coap-server-notls is missing (libcoap3-bin)"
	exit 1
fi
port=5683

step "the store is prepared (objects, /3303/0)" setup
step "the Server instance has retry resources 3, 1 s, 3 s, 2" retry_account 3 1 3 2

"$coapsrv" -A 127.0.0.1 -p "$port" >"$work/coapsrv.out" 2>&1 &
cpid=$!
extra_pids+=("$cpid")
sleep 0.5
write_conf "$port" 60
step "the agent starts" start_agent

step "a refused Register is logged with its code" \
	wait_file "$work/agent.log" "Register failed: 4.04 Not Found; attempt 1 of 3, next in 1 s" 20
step "the second attempt waits twice as long" \
	wait_file "$work/agent.log" "attempt 2 of 3, next in 2 s" 10
step "after 3 attempts, the sequence delay" \
	wait_file "$work/agent.log" "communication sequence 1 failed (3 attempts), next sequence in 3 s" 10

kill "$cpid" 2>/dev/null
wait "$cpid" 2>/dev/null

stranger() { # the agent keeps serving while it retries
	local port_a
	port_a=$(sed -n 's/.*CoAP endpoint on [0-9.]*:\([0-9]*\).*/\1/p' "$work/agent.log" | head -1)
	[ -n "$port_a" ] || { echo "no CoAP endpoint port in the log"; return 1; }
	coap-client-notls -v 6 -B 5 -m get "coap://127.0.0.1:$port_a/3/0" >"$work/stranger" 2>&1
	grep -q 'c:4\.01' "$work/stranger" || { cat "$work/stranger"; return 1; }
}
step "while retrying, a request is answered (4.01: not a registered server)" stranger
sleep 2	# nothing listens for a while: the next Register's CON goes unanswered

cat >"$work/scenario" <<SCN
wait-register 60
read /3/0/0 accept=text expect 2.05 value 0="Example Industries"
exec-shell "kill -TERM \$(cat $work/agent.pid)"
wait-deregister within 10
SCN
step "the LwM2M server comes up" start_server --port "$port" --timeout 10 "$work/scenario"

status=0
wait_exit "$spid" 120 || status=$?
spid=
step "the server's scenario passed (status $status)" [ "$status" = 0 ]
server_tap
step "the agent registered" grep -q "registered with server 1 (coap://127.0.0.1:$port) at /rd/1" \
	"$work/agent.log"
finish
