# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# shellcheck disable=SC2317,SC2034  # steps called by step(); variables the scenarios use
# Helpers of the registration scenarios (tests/e2e/reg-*.sh), sourced, not
# run: the agent klwm2md against klwm2m-testsrv in a network namespace of the
# scenario's own. Each scenario sets $name before sourcing this file.
name=${name:?set name before sourcing reg-lib.bash}
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
agent=$top/build/klwm2md
ctl=$top/build/klwm2mctl
srv=$top/build/peer/klwm2m-testsrv
n=0
rc=0

for f in "$agent" "$ctl" "$srv"; do
	if [ ! -x "$f" ]; then
		echo "not ok 1 - $name: $f is missing: run make user"
		exit 1
	fi
done
if [ ! -d /sys/kernel/klwm2m ]; then
	echo "not ok 1 - $name: the klwm2m module is not loaded"
	exit 1
fi

work=$(mktemp -d "/tmp/$name.XXXXXX")
apid=
spid=
extra_pids=()
cleanup() {
	for p in "${extra_pids[@]}"; do kill "$p" 2>/dev/null; done
	[ -n "$spid" ] && kill -KILL "$spid" 2>/dev/null
	[ -n "$apid" ] && kill -KILL "$apid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

ok() { n=$((n + 1)); echo "ok $n - $name: $1"; }
fail() { n=$((n + 1)); echo "not ok $n - $name: $1"; rc=1; }

step() { # DESCRIPTION COMMAND...: one TAP line
	local desc=$1
	shift
	if "$@" >"$work/step" 2>&1; then
		ok "$desc"
	else
		fail "$desc"
		sed 's/^/# /' "$work/step"
	fi
}

wait_file() { # FILE PATTERN [SEC]: PATTERN appears in FILE within SEC (10) seconds
	for _ in $(seq $((${3:-10} * 10))); do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "no '$2' in $1 after ${3:-10} s:"
	cat "$1" 2>/dev/null
	return 1
}

# write_conf PORT LIFETIME: the agent's configuration, one server (SSID 1)
write_conf() {
	cat >"$work/klwm2md.conf" <<CONF
[agent]
endpoint = urn:dev:os:$name
log_level = info
objects = $top/objects

[server 1]
uri = coap://127.0.0.1:$1
lifetime = $2
default_pmin = 1
default_pmax = 60
notification_storing = false

[device]
manufacturer = Example Industries
model_number = GW-100
serial_number = SN-0017
firmware_version = 1.4.2
CONF
}

# start_server [TESTSRV ARGS...]: in the background, output in
# $work/$srv_name.out (srv.out by default); waits for its port (in $work/port).
srv_name=srv
start_server() {
	rm -f "$work/port"
	"$srv" --port-file "$work/port" "$@" >"$work/$srv_name.out" 2>&1 &
	spid=$!
	for _ in $(seq 100); do
		[ -s "$work/port" ] && return 0
		sleep 0.1
	done
	echo "# klwm2m-testsrv did not start:"
	sed 's/^/# /' "$work/$srv_name.out"
	return 1
}

# start_servers N: klwm2m-testsrv 1..N, server i on the scenario $work/scni
# with its output in srvi.out (steps "server i starts"); their pids and
# ports in spids[i] and ports[i]. servers_tap N collects them.
declare -A spids=() ports=()
start_servers() {
	local i
	for i in $(seq "$1"); do
		srv_name=srv$i
		step "server $i starts" start_server --port 0 --timeout 10 "$work/scn$i"
		spids[$i]=$spid
		ports[$i]=$(cat "$work/port")
		extra_pids+=("$spid")
	done
	spid=
}

# servers_tap N: each server's exit status (a step), then its TAP lines.
servers_tap() {
	local i status
	for i in $(seq "$1"); do
		status=0
		wait_exit "${spids[$i]}" 30 || status=$?
		step "server $i's scenario passed (status $status)" [ "$status" = 0 ]
		srv_name=srv$i
		server_tap
	done
}

# start_agent: in the background (pid in $apid and $work/agent.pid), log
# in $work/agent.log; waits until it runs.
start_agent() {
	: >"$work/agent.log"
	"$agent" -c "$work/klwm2md.conf" >>"$work/agent.log" 2>&1 &
	apid=$!
	echo "$apid" >"$work/agent.pid"
	wait_file "$work/agent.log" "running as endpoint" 20
}

# wait_exit PID SEC: the process's exit status, or 124 after SEC seconds.
wait_exit() {
	for _ in $(seq $(($2 * 10))); do
		if ! kill -0 "$1" 2>/dev/null; then
			wait "$1"
			return $?
		fi
		sleep 0.1
	done
	return 124
}

# server_tap: klwm2m-testsrv's TAP lines ($work/$srv_name.out) as this
# scenario's, its comments kept as comments.
server_tap() {
	local line
	while IFS= read -r line; do
		case $line in
		"ok "*) ok "server: ${line#ok * - }" ;;
		"not ok "*) fail "server: ${line#not ok * - }" ;;
		1..*) ;;
		*) echo "# $srv_name: $line" ;;
		esac
	done <"$work/$srv_name.out"
}

show_agent_log() { sed 's/^/# agent: /' "$work/agent.log"; }

# setup: lo up; the objects defined (the agent finds them defined the same)
# and a temperature sensor's instance, so that the Register lists </3303/0>.
setup() {
	ip link set lo up &&
	"$ctl" define "$top"/objects/*.xml >/dev/null &&
	"$ctl" create /3303/0 >/dev/null &&
	"$ctl" set /3303/0/5700 21.5 /3303/0/5701 Cel
}

# retry_account COUNT TIMER SEQ_DELAY SEQ_RETRIES: the Server instance /1/0
# (SSID 1, lifetime 60 s, binding U) before the agent starts (it updates the
# instance in place), with these communication retry resources (/1/0/17..20).
retry_account() {
	"$ctl" create /1/0 >/dev/null &&
	"$ctl" set /1/0/0 1 /1/0/1 60 /1/0/6 false /1/0/7 U \
		/1/0/17 "$1" /1/0/18 "$2" /1/0/19 "$3" /1/0/20 "$4"
}

# finish: the agent, told to stop, exits 0 (a step); the plan; the status.
finish() {
	local status=0
	wait_exit "$apid" 10 || status=$?
	apid=
	step "SIGTERM: the agent exits 0 (status $status)" [ "$status" = 0 ]
	[ "$rc" = 0 ] || show_agent_log
	echo "1..$n"
	exit "$rc"
}
