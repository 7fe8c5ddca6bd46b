#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2317  # the steps are functions that step() calls
#
# tests/e2e/agent-defcache.sh: the agent caches object definitions
# (agent/lwm2m/defs.c) and must drop one when the object is redefined. A
# server reads /3303/0/5701 (readable: 2.05), an app undefines 3303 and
# defines it again with 5701 write-only, creates /3303/0 and sets 5701; the
# same Read must now get 4.05, as the new definition says, not the cached
# one's 2.05. TAP output. Runs in the test VM with the module loaded, in a
# network namespace of its own (a fresh, empty store).
set -uo pipefail
if [ -z "${AGENT_DEFCACHE_NETNS:-}" ]; then
	AGENT_DEFCACHE_NETNS=1 exec unshare --net "$0" "$@"
fi
name=agent-defcache
# shellcheck source=tests/e2e/reg-lib.bash
. "$(dirname "$0")/reg-lib.bash"

step "the store is prepared (objects, /3303/0)" setup

# 3303 with Sensor Units (5701) write-only
sed '/<Item ID="5701">/,/<\/Item>/s|<Operations>R</Operations>|<Operations>W</Operations>|' \
	"$top/objects/3303-temperature.xml" >"$work/3303-w.xml"
differs() { ! cmp -s "$work/3303-w.xml" "$top/objects/3303-temperature.xml"; }
step "the changed definition differs" differs

cat >"$work/scenario" <<SCN
wait-register 30
read /3303/0/5701 accept=text expect 2.05 value 5701="Cel"
read /3303/0/5700 accept=text expect 2.05 value 5700=21.5
exec-shell "$ctl delete /3303/0 && $ctl undefine 3303 && $ctl define $work/3303-w.xml && $ctl create /3303/0 && $ctl set /3303/0/5700 22.5 /3303/0/5701 Cel"
read /3303/0/5701 accept=text expect 4.05
read /3303/0/5700 accept=text expect 2.05 value 5700=22.5
exec-shell "kill -TERM \$(cat $work/agent.pid)"
wait-deregister within 10
SCN

step "the server starts" start_server --timeout 10 "$work/scenario"
write_conf "$(cat "$work/port")" 60
step "the agent starts" start_agent

status=0
wait_exit "$spid" 120 || status=$?
spid=
step "the server's scenario passed (status $status)" [ "$status" = 0 ]
server_tap

finish
