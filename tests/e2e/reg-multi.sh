#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2317  # the steps are functions that step() calls
# A device with two LwM2M servers (two klwm2m-testsrv on two ports, short
# server IDs 1 and 2, lifetimes 60 and 90 s): klwm2md registers with each,
# each reads the device through its own registration and writes pmin on the
# temperature, which lands among the attributes of its own short server ID;
# at SIGTERM each gets its Deregister. TAP output. Runs in the test VM with
# the module loaded, in a network namespace of its own.
set -uo pipefail
if [ -z "${REG_MULTI_NETNS:-}" ]; then
	REG_MULTI_NETNS=1 exec unshare --net "$0" "$@"
fi
name=reg-multi
# shellcheck source=tests/e2e/reg-lib.bash
. "$(dirname "$0")/reg-lib.bash"

step "the store is prepared (objects, /3303/0)" setup

scenario() { # SSID: read, write pmin=SSID, then wait for the end
	cat <<SCN
wait-register 30
read /3/0/0 accept=text value 0="Example Industries"
write-attributes /3303/0/5700?pmin=$1 expect 2.04
wait-deregister within 60
SCN
}
scenario 1 >"$work/scn1"
scenario 2 >"$work/scn2"
start_servers 2
write_conf "${ports[1]}" 60
cat >>"$work/klwm2md.conf" <<CONF

[server 2]
uri = coap://127.0.0.1:${ports[2]}
lifetime = 90
CONF
step "the agent starts" start_agent
step "registered with server 1" wait_file "$work/agent.log" "registered with server 1 " 30
step "registered with server 2" wait_file "$work/agent.log" "registered with server 2 " 30

attrs_of() { # SSID WANT: the attributes server SSID wrote, within 20 s
	for _ in $(seq 100); do
		[ "$("$ctl" attr --ssid "$1" 2>&1)" = "$2" ] && return 0
		sleep 0.2
	done
	"$ctl" attr --ssid "$1"
	return 1
}
step "server 1's pmin is its own" attrs_of 1 "/3303/0/5700 pmin=1"
step "server 2's pmin is its own" attrs_of 2 "/3303/0/5700 pmin=2"

kill -TERM "$apid"
status=0
wait_exit "$apid" 15 || status=$?
apid=
step "SIGTERM: the agent exits 0 (status $status)" [ "$status" = 0 ]
servers_tap 2
step "server 1 got lt=60" grep -q "lt=60 lwm2m=1.1 b=U" "$work/srv1.out"
step "server 2 got lt=90" grep -q "lt=90 lwm2m=1.1 b=U" "$work/srv2.out"
step "both deregistrations logged" \
	bash -c "grep -q 'deregistered from server 1 ' '$work/agent.log' &&
		grep -q 'deregistered from server 2 ' '$work/agent.log'"
[ "$rc" = 0 ] || show_agent_log
echo "1..$n"
exit "$rc"
