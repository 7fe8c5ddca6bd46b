#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# klwm2mctl against the loaded module: output, JSON, exit codes. TAP output.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
ctl=$top/build/klwm2mctl
n=0
failed=0

check() { # NAME COMMAND...: ok when COMMAND succeeds
	local name=$1
	shift
	n=$((n + 1))
	if out=$("$@" 2>&1); then
		echo "ok $n klwm2mctl: $name"
	else
		echo "not ok $n klwm2mctl: $name"
		printf '%s\n' "$out" | sed 's/^/# /'
		failed=1
	fi
}

info_text() {
	local out
	out=$("$ctl" info) || return 1
	grep -qx "module version: $(cat /sys/kernel/klwm2m/version)" <<<"$out" &&
		grep -qx "ABI version:    1" <<<"$out" &&
		grep -qx "max value size: $(cat /sys/module/klwm2m/parameters/max_value_size) bytes" <<<"$out"
}

info_json() {
	local out
	out=$("$ctl" -j info) || return 1
	python3 - "$out" "$(cat /sys/module/klwm2m/parameters/store_budget)" <<'PY'
import json, sys
o = json.loads(sys.argv[1])
assert o["abi_version"] == 1, o
assert o["store_budget"] == int(sys.argv[2]), o
assert o["store_used"] == 0 and o["max_id"] == 65534 and o["max_depth"] == 4, o
PY
}

exit_code() { # WANT COMMAND...
	local want=$1 got
	shift
	"$@" >/dev/null 2>&1
	got=$?
	[ "$got" -eq "$want" ] || { echo "exit $got, wanted $want"; return 1; }
}

in_new_netns() {
	unshare --net "$ctl" info | grep -q '^store used:     0 bytes$'
}

echo "TAP version 13"
echo "1..6"
check "info prints the module's version, ABI and limits" info_text
check "info -j prints JSON with the same figures" info_json
check "info works in a fresh network namespace" in_new_netns
check "an unknown command exits 2" exit_code 2 "$ctl" frobnicate
check "extra arguments to info exit 2" exit_code 2 "$ctl" info extra
check "--help exits 0" exit_code 0 "$ctl" --help
exit $failed
