#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2317  # the steps are functions that step() calls
# The agent's kernel socket overruns and nothing is lost for good. With
# net.core.rmem_max at 16 KiB (the agent's socket gets a 32 KiB receive
# buffer), a server observes /3303/0/5700 60 times (pmin 0) and executes
# /3/0/4. The app that owns /3/0 stops the agent (SIGSTOP), sets
# /3303/0/5700 (60 notifications, more than the buffer holds: the tail is
# lost and the socket reports ENOBUFS), answers the execute (its result is
# lost too: the socket is full) and lets the agent go on a second later.
# Then: the execute is answered 5.00 once its result is overdue (the
# kernel's exec_timeout_ms, 20 s here, and 2 s); the resynchronisation reaches the newest
# observation with the value set (the overrun grew the buffer, so the resync
# no longer overruns it); the agent is idle afterwards, not resynchronising
# in a loop; it serves a Read and deregisters on SIGTERM. TAP output. Runs in
# the test VM with the module loaded (it loads it again with a longer
# exec_timeout_ms, and as before at the end; the sysctl is restored too).
set -uo pipefail
if [ -z "${AGENT_OVERRUN_NETNS:-}" ]; then
	# The module again with exec_timeout_ms = 20 s: the app's answer, not
	# the kernel's timeout, must be the result that is lost, however slow
	# the VM is. Put back as it was at the end.
	ko=$(cd "$(dirname "$0")/../.." && pwd)/build/vm/klwm2m.ko
	reload() {
		if ! { rmmod klwm2m && insmod "$ko" "$@"; }; then
			echo "not ok 1 - agent-overrun: cannot reload $ko $*"
			exit 1
		fi
	}
	rmem=$(cat /proc/sys/net/core/rmem_max) || exit 1
	reload exec_timeout_ms=20000
	trap 'echo "$rmem" >/proc/sys/net/core/rmem_max; reload' EXIT
	trap 'exit 143' TERM INT
	echo 16384 >/proc/sys/net/core/rmem_max || exit 1
	AGENT_OVERRUN_NETNS=1 unshare --net "$0" "$@"
	exit
fi
name="agent-overrun"
# shellcheck source=tests/e2e/reg-lib.bash
. "$(dirname "$0")/reg-lib.bash"
nobs=60

step "the store is prepared (objects, /3303/0)" setup

{
	echo "wait-register 30"
	for _ in $(seq "$nobs"); do
		echo "observe /3303/0/5700 accept=text"
	done
	echo "execute /3/0/4 expect 5.00"
	echo "wait-notify /3303/0/5700 within 15 value 5700=99.5"
	echo "read /3303/0/5700 accept=text value 5700=99.5"
	echo "sleep 12"
	echo "exec-shell \"kill -TERM \$(cat $work/agent.pid)\""
	echo "wait-deregister within 10"
} >"$work/scenario"

# The app: stop the agent, overrun its socket, answer, let it go on.
cat >"$work/handler" <<SH
echo "handler starts \$(date +%s.%N)"
kill -STOP \$(cat $work/agent.pid)
echo "stopped \$(date +%s.%N)"
$ctl set /3303/0/5700 99.5
echo "set \$(date +%s.%N)"
(sleep 1; kill -CONT \$(cat $work/agent.pid)) </dev/null >/dev/null 2>&1 &
echo "handler ends \$(date +%s.%N)"
exit 0
SH
"$ctl" own 3 -- sh "$work/handler" >"$work/own.out" 2>&1 &
extra_pids+=("$!")

step "the server starts" start_server --timeout 40 "$work/scenario"
write_conf "$(cat "$work/port")" 60
sed -i 's/^default_pmin = 1$/default_pmin = 0/' "$work/klwm2md.conf"
step "the agent starts" start_agent

# CPU seconds (user + system) the agent has used.
agent_cpu() {
	awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); print ($12 + $13) / hz }' \
		"/proc/$apid/stat"
}

# Once it caught up (4 s after the Read, during "sleep 12"): a loop of
# resynchronisations would keep the VM's one CPU busy.
idle_after() {
	local a b
	wait_file "$work/srv.out" "^ok [0-9]* - read /3303/0/5700" 90 || return 1
	sleep 4
	a=$(agent_cpu) || return 1
	sleep 3
	b=$(agent_cpu) || return 1
	awk -v a="$a" -v b="$b" 'BEGIN { printf "CPU %.2f s in 3 s\n", b - a; exit !(b - a < 1.0) }'
}
step "after the overrun the agent is idle: under 1 s of CPU in 3 s (no resync loop)" idle_after

status=0
wait_exit "$spid" 120 || status=$?
spid=
step "the server's scenario passed (status $status)" [ "$status" = 0 ]
server_tap

step "the agent logged the overrun" grep -q "kernel messages were lost" "$work/agent.log"
step "the agent logged the execute's lost result" \
	grep -q "execute [0-9]*: no result from the kernel" "$work/agent.log"

[ "$rc" = 0 ] || sed 's/^/# own: /' "$work/own.out"
finish
