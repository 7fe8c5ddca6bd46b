#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/bench/agent-bench.sh [SECONDS]
#
# run-in-vm's phase "agent" (issue 5): the agent klwm2md against coapbench,
# the LwM2M server and load generator (tests/bench/coapbench.c, which says
# what is measured), with libcoap's coap-server-notls as the baseline. Runs
# in a network namespace of its own: a fresh, empty store and free ports.
# Prints coapbench's figures; exits non-zero only when the benchmark broke
# (then with the agent's log).
set -euo pipefail
if [ -z "${AGENT_BENCH_NETNS:-}" ]; then
	AGENT_BENCH_NETNS=1 exec unshare --net "$0" "$@"
fi
top=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-1}
agent=$top/build/klwm2md
ctl=$top/build/klwm2mctl
coapbench=$top/build/bench/coapbench
coapserver=$(command -v coap-server-notls || true)
base_port=5683

for f in "$agent" "$ctl" "$coapbench"; do
	[ -x "$f" ] || { echo "agent-bench: $f is missing: run make user" >&2; exit 1; }
done
[ -n "$coapserver" ] ||
	{ echo "agent-bench: coap-server-notls is missing: install libcoap3-bin (scripts/deps)" >&2; exit 1; }
[ -d /sys/kernel/klwm2m ] || { echo "agent-bench: the klwm2m module is not loaded" >&2; exit 1; }

work=$(mktemp -d /tmp/agent-bench.XXXXXX)
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill -KILL "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	rm -rf "$work"
}
trap cleanup EXIT
fail() {
	echo "agent-bench: $*" >&2
	exit 1
}

ip link set lo up
# The agent defines every object of the checkout's objects/ itself; the
# sensor's definition comes first here (the agent finds it the same) so
# that its instance exists before the Register.
"$ctl" define "$top/objects/3303-temperature.xml" >/dev/null
"$ctl" create /3303/0 >/dev/null
"$ctl" set /3303/0/5700 20.0 /3303/0/5701 Cel >/dev/null

"$coapserver" -A 127.0.0.1 -p "$base_port" -v 0 >"$work/coap-server.log" 2>&1 &
cpid=$!
pids+=("$cpid")

"$coapbench" --port-file "$work/port" --pid-file "$work/agent.pid" --baseline "$base_port" \
	--baseline-pid "$cpid" --seconds "$secs" &
bpid=$!
pids+=("$bpid")
for _ in $(seq 100); do
	[ -s "$work/port" ] && break
	sleep 0.1
done
[ -s "$work/port" ] || fail "coapbench did not start"

# Lifetime 1 h: no Update during the figures. pmin 0: every change notifies
# unless the agent falls behind. Log level warning: nothing per request.
# All of /3/0's string values: its TLV comes near the size of
# coap-server's text (both sizes are printed).
cat >"$work/klwm2md.conf" <<CONF
[agent]
endpoint = urn:dev:os:agent-bench
log_level = warning
objects = $top/objects

[server 1]
uri = coap://127.0.0.1:$(cat "$work/port")
lifetime = 3600
default_pmin = 0
default_pmax = 0
notification_storing = false

[device]
manufacturer = Example Industries
model_number = GW-100
serial_number = SN-0017
firmware_version = 1.4.2
hardware_version = B
software_version = klwm2m-0.1.0
device_type = gateway
utc_offset = +01:00
timezone = Europe/Berlin
CONF
"$agent" -c "$work/klwm2md.conf" >"$work/agent.log" 2>&1 &
apid=$!
pids+=("$apid")
echo "$apid" >"$work/agent.pid"

status=0
wait "$bpid" || status=$?
# What the agent complained about during the load (warnings and errors).
if [ -s "$work/agent.log" ]; then
	echo "  the agent's log ($(wc -l <"$work/agent.log") lines), its first 10:"
	head -n 10 "$work/agent.log" | sed 's/^/# agent: /'
fi
kill -0 "$apid" 2>/dev/null || fail "the agent exited during the benchmark"
[ "$status" = 0 ] || fail "coapbench failed (status $status)"
