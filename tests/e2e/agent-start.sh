#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2317  # the steps are functions that step() calls
# The administrator starts klwm2md with a configuration, finds the server
# account and the device values in the kernel store, reloads it with SIGHUP,
# stops it with SIGTERM (each state told to $NOTIFY_SOCKET as systemd would
# listen), starts it again over the store it left, and gets
# exit status 2 with file:line:key for a bad configuration or flag. TAP
# output. Runs in the test VM with the module loaded, in a network namespace
# of its own (a fresh, empty store).
set -uo pipefail
if [ -z "${AGENT_START_NETNS:-}" ]; then
	AGENT_START_NETNS=1 exec unshare --net "$0" "$@"
fi
top=$(cd "$(dirname "$0")/../.." && pwd)
agent=$top/build/klwm2md
ctl=$top/build/klwm2mctl
n=0
rc=0

for f in "$agent" "$ctl"; do
	if [ ! -x "$f" ]; then
		echo "not ok 1 - agent-start: $f is missing: run make user"
		exit 1
	fi
done
if [ ! -d /sys/kernel/klwm2m ]; then
	echo "not ok 1 - agent-start: the klwm2m module is not loaded"
	exit 1
fi

if [ ! -x /usr/bin/python3 ]; then
	echo "not ok 1 - agent-start: /usr/bin/python3 (the notification listener) is missing"
	exit 1
fi

work=$(mktemp -d /tmp/agent-start.XXXXXX)
pid=
lpid=
# shellcheck disable=SC2317  # called by the trap
cleanup() {
	[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
	[ -n "$lpid" ] && kill -KILL "$lpid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

# step DESCRIPTION COMMAND...: one TAP line. Not in a subshell (unlike
# tap.sh's check): the agent's PID started by one step is waited for by another.
step() {
	local desc=$1
	shift
	n=$((n + 1))
	if "$@" >"$work/out" 2>&1; then
		echo "ok $n - agent-start: $desc"
	else
		echo "not ok $n - agent-start: $desc"
		sed 's/^/# /' "$work/out"
		rc=1
	fi
}

conf=$work/klwm2md.conf
log=$work/klwm2md.log
write_conf() { # LOG_LEVEL DEFAULT_PMIN
	cat >"$conf" <<CONF
[agent]
endpoint = urn:dev:os:agent-start-test
log_level = $1
objects = $top/objects

[server 17]
uri = coap://127.0.0.1:5683
lifetime = 300
default_pmin = $2
default_pmax = 60
notification_storing = false

[device]
manufacturer = Example Industries
model_number = GW-100
serial_number = SN-0017
firmware_version = 1.4.2
CONF
}

# The service manager's end of sd_notify(3): a datagram socket at $notify;
# each datagram one line of $notified, its newlines as '|'.
notify=$work/notify
notified=$work/notified
listen() {
	/usr/bin/python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a", buffering=1) as out:
    while True:
        out.write(s.recv(4096).decode().replace("\n", "|") + "\n")
' "$notify" "$notified" &
	lpid=$!
	disown "$lpid"	# no "Killed" from the shell at the end
	for _ in $(seq 50); do
		[ -S "$notify" ] && return 0
		sleep 0.1
	done
	return 1
}

notified_lines() { # WANT...: the notifications so far, one per line, exactly
	local want
	want=$(printf '%s\n' "$@")
	for _ in $(seq 50); do
		[ "$(cat "$notified")" = "$want" ] && return 0
		sleep 0.1
	done
	echo "got:"; cat "$notified"; echo "wanted:"; echo "$want"
	return 1
}

ready='READY=1|STATUS=serving as endpoint urn:dev:os:agent-start-test with 1 server'

start() { # start the agent in the background; wait until it runs
	: >"$log"
	: >"$notified"
	NOTIFY_SOCKET=$notify "$agent" -c "$conf" >>"$log" 2>&1 &
	pid=$!
	for _ in $(seq 200); do
		grep -q "running as endpoint" "$log" && return 0
		kill -0 "$pid" 2>/dev/null || { cat "$log"; pid=; return 1; }
		sleep 0.1
	done
	cat "$log"
	return 1
}

eq() { # PATH WANT: klwm2mctl get PATH prints WANT
	local got
	got=$("$ctl" get "$1") || return 1
	[ "$got" = "$2" ] || { echo "$1: got '$got', wanted '$2'"; return 1; }
}

security_instance() {
	eq /0/0/0 coap://127.0.0.1:5683 && eq /0/0/1 false && eq /0/0/2 3 && eq /0/0/10 17
}

server_instance() {
	eq /1/0/0 17 && eq /1/0/1 300 && eq /1/0/2 2 && eq /1/0/3 60 && eq /1/0/6 false && eq /1/0/7 U
}

device_instance() {
	eq /3/0/0 "Example Industries" && eq /3/0/1 GW-100 && eq /3/0/2 SN-0017 &&
		eq /3/0/3 1.4.2 && eq /3/0/16 U && eq /3/0/11/0 0
}

one_account() { # no second instance appeared in /0 or /1
	local out
	out=$("$ctl" dump /0; "$ctl" dump /1) || return 1
	! grep -q '^/[01]/1' <<<"$out" || { echo "$out"; return 1; }
}

wait_log() { # PATTERN: appears in the log within 10 s
	for _ in $(seq 100); do
		grep -q -- "$1" "$log" && return 0
		sleep 0.1
	done
	cat "$log"
	return 1
}

reload_debug() {
	write_conf debug 5
	kill -HUP "$pid"
	wait_log "notice: log level info -> debug" && wait_log "^debug: " && eq /1/0/2 5
}

# SIGTERM: exit status 0 within a second.
term_fast() {
	local t0 t1 rc ms
	# $EPOCHREALTIME, not date(1): no process to start inside the measure.
	t0=${EPOCHREALTIME/./}
	kill -TERM "$pid"
	wait "$pid"
	rc=$?
	t1=${EPOCHREALTIME/./}
	pid=
	ms=$(((t1 - t0) / 1000))
	[ "$rc" -eq 0 ] || { echo "exit status $rc"; cat "$log"; return 1; }
	[ "$ms" -lt 1000 ] || { echo "took $ms ms"; cat "$log"; return 1; }
	grep -q "notice: stopped" "$log" || { cat "$log"; return 1; }
}

restart_keeps_store() {
	start && grep -q "was defined already, the same as" "$log" &&
		grep -q "server 17: /1/0 updated" "$log" && grep -q "/3/0 updated" "$log"
}

exit_with() { # WANT PATTERN COMMAND...: exit status WANT and PATTERN on stderr
	local want=$1 pattern=$2 out rc
	shift 2
	out=$("$@" 2>&1)
	rc=$?
	[ "$rc" -eq "$want" ] || { echo "exit $rc, wanted $want: $out"; return 1; }
	grep -qF -- "$pattern" <<<"$out" || { echo "no '$pattern' in: $out"; return 1; }
}

same_after_restart() {
	security_instance && server_instance && device_instance && one_account
}

bad_conf() {
	printf '[server 17]\nuri = coap://127.0.0.1\nlifetime = soon\n' >"$work/bad.conf"
	exit_with 2 "$work/bad.conf:3: key 'lifetime' in [server 17]: 'soon' is not a decimal number" \
		"$agent" -c "$work/bad.conf"
}

conflicting_definition() {
	mkdir -p "$work/objects"
	cp "$top"/objects/*.xml "$work/objects/"
	sed -i 's|<Name>Temperature</Name>|<Name>Thermometer</Name>|' "$work/objects/3303-temperature.xml"
	sed "s|^objects = .*|objects = $work/objects|" "$conf" >"$work/other.conf"
	exit_with 1 "object 3303 (Thermometer): the kernel holds another definition" \
		"$agent" -c "$work/other.conf"
}

write_conf info 2
listen || { echo "not ok 1 - agent-start: the notification listener did not start"; exit 1; }
step "klwm2md starts with a configuration" start
step "READY=1 with a status reaches \$NOTIFY_SOCKET, and nothing else (not from the helper)" \
	notified_lines "$ready"
step "/0/0 holds the server's URI, NoSec and short server ID" security_instance
step "/1/0 holds short server ID, lifetime, periods, storing, binding" server_instance
step "/3/0 holds the [device] values and the agent's bindings" device_instance
step "SIGHUP: log level debug and default_pmin 5 take effect" reload_debug
step "SIGHUP: RELOADING=1, then READY=1 again" notified_lines "$ready" RELOADING=1 "$ready"
step "SIGTERM: exit status 0 within a second" term_fast
step "SIGTERM: STOPPING=1 last" notified_lines "$ready" RELOADING=1 "$ready" STOPPING=1
write_conf info 2
step "a restart over the existing store accepts objects and instances" restart_keeps_store
step "after the restart: still one account, the same values" same_after_restart
step "SIGTERM after the restart: exit status 0" term_fast
step "another definition of a defined object: exit status 1 naming it" conflicting_definition
step "a bad configuration: exit status 2 naming file:line:key" bad_conf
step "an unknown flag: exit status 2" exit_with 2 "unrecognized option '--frobnicate'" "$agent" --frobnicate
step "--check of the configuration: exit status 0" exit_with 0 "the configuration is valid" "$agent" --check -c "$conf"
echo "1..$n"
exit $rc
