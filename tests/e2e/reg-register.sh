#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2317  # the steps are functions that step() calls
# A device registers with an LwM2M server (klwm2m-testsrv, on libcoap):
# klwm2md sends Register with its endpoint name, lifetime 20 s, lwm2m=1.1,
# b=U and the objects and instances of the kernel store (</3303/0> among
# them, no Security object); the server reads /3/0 in TLV and SenML JSON
# through the agent; an app creates /3303/1 and an Update with the new
# object list follows; an Update comes before the lifetime ends; the server
# executes Registration Update Trigger (/1/0/8) and gets an Update; it
# executes Disable (/1/0/4) with a Disable Timeout (/1/0/5) of 3 s: the agent
# deregisters and registers again 3 s later; a peer
# that is no registered server gets 4.01; SIGTERM makes the agent
# Deregister and exit 0. TAP output. Runs in the test VM with the module
# loaded, in a network namespace of its own (a fresh, empty store).
set -uo pipefail
if [ -z "${REG_REGISTER_NETNS:-}" ]; then
	REG_REGISTER_NETNS=1 exec unshare --net "$0" "$@"
fi
name=reg-register
# shellcheck source=tests/e2e/reg-lib.bash
. "$(dirname "$0")/reg-lib.bash"

step "the store is prepared (objects, /3303/0)" setup

cat >"$work/scenario" <<SCN
wait-register 30
read /3/0 accept=tlv expect 2.05 content=tlv value 0="Example Industries" value 2="SN-0017"
read /3/0 accept=senml-json expect 2.05 content=senml-json value 1="GW-100" value 3="1.4.2"
read /3303/0/5700 accept=text expect 2.05 value 5700=21.5
exec-shell "$ctl create /3303/1 && $ctl set /3303/1/5700 19.0 /3303/1/5701 Cel"
wait-update within 10
wait-update within 20
execute /1/0/8 expect 2.04
wait-update within 10
exec-shell "$ctl set /1/0/5 3 && date +%s.%N >$work/disable.t0"
execute /1/0/4 expect 2.04
wait-deregister within 10
wait-register 20
exec-shell "date +%s.%N >$work/disable.t1"
read /3303/0/5700 accept=text expect 2.05 value 5700=21.5
exec-shell "kill -TERM \$(cat $work/agent.pid)"
wait-deregister within 10
SCN

step "the server starts" start_server --timeout 10 "$work/scenario"
write_conf "$(cat "$work/port")" 20
step "the agent starts" start_agent

# While registered: a peer that is no server of the device.
stranger() {
	local port
	wait_file "$work/agent.log" "registered with server 1" 30 || return 1
	port=$(sed -n 's/.*CoAP endpoint on [0-9.]*:\([0-9]*\).*/\1/p' "$work/agent.log" | head -1)
	[ -n "$port" ] || { echo "no CoAP endpoint port in the log"; return 1; }
	coap-client-notls -v 6 -B 5 -m get "coap://127.0.0.1:$port/3/0" >"$work/stranger" 2>&1
	grep -q 'c:4\.01' "$work/stranger" || { cat "$work/stranger"; return 1; }
}
step "a peer that is no registered server gets 4.01" stranger

status=0
wait_exit "$spid" 120 || status=$?
spid=
step "the server's scenario passed (status $status)" [ "$status" = 0 ]
server_tap

register_params() {
	grep -E "^# register rd/1 from 127\.0\.0\.1:[0-9]+: ep=urn:dev:os:reg-register lt=20 lwm2m=1\.1 b=U$" \
		"$work/srv.out"
}
step "Register carries ep, lt=20, lwm2m=1.1, b=U" register_params

register_objects() {
	local objs
	objs=$(grep -m1 -A1 "^# register rd/1" "$work/srv.out" | grep "objects:") ||
		{ cat "$work/srv.out"; return 1; }
	for o in "</1/0>" "</3/0>" "</3303/0>"; do
		grep -qF -- " $o" <<<"$objs" || { echo "no $o in: $objs"; return 1; }
	done
	! grep -q "</0" <<<"$objs" || { echo "the Security object is listed: $objs"; return 1; }
	! grep -qF "</3303/1>" <<<"$objs" || { echo "/3303/1 before it exists: $objs"; return 1; }
}
step "Register lists /1/0, /3/0 and /3303/0, not Security" register_objects

update_objects() { # the first Update: the new instance, no lt or b
	local first
	first=$(grep -m1 -A1 "^# update rd/1" "$work/srv.out") || { cat "$work/srv.out"; return 1; }
	grep -qF "</3303/1>" <<<"$first" || { echo "no </3303/1> in: $first"; return 1; }
	! grep -q " lt=\| b=" <<<"$first" || { echo "lt or b unchanged but sent: $first"; return 1; }
}
step "the Update after an instance was created lists </3303/1>, without lt or b" update_objects

updates=$(grep -c "^# update rd/1" "$work/srv.out")
step "3 Updates or more ($updates)" [ "$updates" -ge 3 ]

disable_period() { # deregistered, then registered again no sooner than 3 s later
	local t0 t1
	grep -q "^# deregister rd/1 " "$work/srv.out" || { cat "$work/srv.out"; return 1; }
	grep -q "^# register rd/2 " "$work/srv.out" || { cat "$work/srv.out"; return 1; }
	grep -q "server 1 disabled for 3 s" "$work/agent.log" || return 1
	t0=$(cat "$work/disable.t0") && t1=$(cat "$work/disable.t1") || return 1
	awk -v a="$t0" -v b="$t1" 'BEGIN { d = b - a; print "registered again after " d " s";
		exit !(d >= 3 && d < 15) }'
}
step "Disable: Deregister, then Register again after the 3 s Disable Timeout" disable_period

status=0
wait_exit "$apid" 10 || status=$?
apid=
step "SIGTERM: the agent exits 0 (status $status)" [ "$status" = 0 ]
step "the agent logged the Deregister answer" grep -q "deregistered from server 1" "$work/agent.log"
[ "$rc" = 0 ] || show_agent_log
echo "1..$n"
exit "$rc"
