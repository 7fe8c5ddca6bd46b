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
		# A passing check may still report figures, as TAP comments.
		grep '^# registry' <<<"$out"
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

reg=$(cd "$top/../shared/lwm2m-registry" 2>/dev/null && pwd)

define_once() {
	unshare --net sh -c "'$ctl' define '$reg/3303.xml' &&
		! '$ctl' define '$reg/3303.xml' 2>/tmp/define.err &&
		grep -q 'object ID is defined already' /tmp/define.err"
}

# The real path: DDF file -> libklwm2m -> netlink -> the kernel's checks.
registry_through_the_kernel() {
	local files out defined refused
	files=$(ls "$reg"/*.xml | wc -l)
	out=$(unshare --net "$ctl" -j define "$reg"/*.xml 2>/tmp/registry.err)
	defined=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["defined"])' "$out")
	refused=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["refused"])' "$out")
	echo "# registry through the kernel: $defined defined, $refused refused of $files files"
	sed 's/^/# /' /tmp/registry.err
	[ $((defined + refused)) -eq "$files" ] &&
		[ "$(grep -c "^klwm2mctl: $reg/.*\.xml" /tmp/registry.err)" -eq "$refused" ]
}

# The definitions klwm2m ships (objects/), secret resources included.
shipped_objects_through_the_kernel() {
	unshare --net "$ctl" define "$top"/objects/*.xml
}

unprivileged_cannot_define() {
	local err
	err=$(unshare --net setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$ctl" define "$reg/3303.xml" 2>&1 >/dev/null)
	[ $? -eq 1 ] && grep -q 'Operation not permitted' <<<"$err"
}

in_new_netns() {
	unshare --net "$ctl" info | grep -q '^store used:     0 bytes$'
}

echo "TAP version 13"
echo "1..11"
check "info prints the module's version, ABI and limits" info_text
check "info -j prints JSON with the same figures" info_json
check "info works in a fresh network namespace" in_new_netns
check "an unknown command exits 2" exit_code 2 "$ctl" frobnicate
check "extra arguments to info exit 2" exit_code 2 "$ctl" info extra
check "--help exits 0" exit_code 0 "$ctl" --help
check "define loads a DDF file once and refuses it twice" define_once
check "every registry file is defined or refused with its name" registry_through_the_kernel
check "klwm2m's own object definitions are all defined" shipped_objects_through_the_kernel
check "an unprivileged user cannot define" unprivileged_cannot_define
check "a mode above 0777 exits 2" exit_code 2 "$ctl" define --mode 1777 "$reg/3303.xml"
exit $failed
