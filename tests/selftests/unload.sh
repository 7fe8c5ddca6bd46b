#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2317 # check() calls the small functions below
# Unloading the module while clients hold sockets (one listening to events,
# one in the middle of a dump) is clean: rmmod succeeds, the clients' next
# request fails with an error instead of a crash, the module loads again and
# works. The VM runner checks the kernel log, KASAN and kmemleak afterwards.
# TAP output; runs inside the test VM with the module loaded.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
ko=$top/build/vm/klwm2m.ko
tap_name=unload
# shellcheck source=tests/selftests/tap.sh
. "$top/tests/selftests/tap.sh"
echo "TAP version 13"
echo "1..4"
coproc HOLD { unshare -n "$top/build/selftest-helpers/hold"; }
# shellcheck disable=SC2153 # set by coproc; bash unsets it when the coprocess exits
hold_pid=$HOLD_PID
ready=
read -r -t 60 ready <&"${HOLD[0]}"
check "a client holds an event socket and a half-read dump" [ "$ready" = ready ]
check "rmmod succeeds while they are open" rmmod klwm2m
echo go >&"${HOLD[1]}"
after=
read -r -t 60 after <&"${HOLD[0]}"
# The family is gone: genetlink answers ENOENT (unknown family ID) or EOPNOTSUPP.
failed_cleanly() { [ "$after" = "after -2" ] || [ "$after" = "after -95" ]; }
check "the client's next request fails cleanly ($after)" failed_cleanly
wait "$hold_pid" 2>/dev/null
reload() { insmod "$ko" && "$top/build/klwm2mctl" info >/dev/null; }
check "the module loads again and answers" reload
exit $rc
