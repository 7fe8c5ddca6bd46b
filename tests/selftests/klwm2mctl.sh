#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# klwm2mctl against the loaded module: every command end to end, output,
# JSON, exit codes. TAP output. Runs in a network namespace of its own, so
# that it starts from an empty store and leaves nothing behind.
set -uo pipefail
if [ -z "${KLWM2MCTL_TEST_NETNS:-}" ]; then
	KLWM2MCTL_TEST_NETNS=1 exec unshare --net "$0" "$@"
fi
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

tmp=$(mktemp -d)
mon_pid=
bg_pid=
cleanup() {
	[ -n "$mon_pid" ] && kill "$mon_pid" 2>/dev/null
	[ -n "$bg_pid" ] && kill "$bg_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# ---- the store, end to end, on an object with every type
T=32000
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }

item() { # ID NAME OPS TYPE [Multiple] [RANGE] [secret]
	local mult=${5:-Single} range=${6:-} secret=
	[ "${7:-}" = secret ] && secret=' klwm2m:secret="true"'
	cat <<XML
<Item ID="$1"$secret><Name>$2</Name><Operations>$3</Operations>
<MultipleInstances>$mult</MultipleInstances><Mandatory>Optional</Mandatory>
<Type>$4</Type><RangeEnumeration>$range</RangeEnumeration></Item>
XML
}

{
	echo '<?xml version="1.0" encoding="UTF-8"?>'
	echo '<LWM2M xmlns:klwm2m="urn:klwm2m:ddf:1"><Object ObjectType="MODefinition">'
	echo "<Name>klwm2mctl test types</Name><ObjectID>$T</ObjectID><ObjectVersion>1.2</ObjectVersion>"
	echo '<MultipleInstances>Multiple</MultipleInstances><Mandatory>Optional</Mandatory><Resources>'
	item 0 Integer RW Integer
	item 1 Unsigned RW "Unsigned Integer"
	item 2 Float RW Float
	item 3 Boolean RW Boolean
	item 4 String RW String
	item 5 Opaque RW Opaque
	item 6 Time RW Time
	item 7 Objlnk RW Objlnk
	item 8 Corelnk RW Corelnk
	item 9 Integers RW Integer Multiple
	item 10 Reboot E ""
	item 11 Percent RW Integer Single 0..100
	item 12 Key RW Opaque Single "" secret
	echo '</Resources></Object></LWM2M>'
} >"$tmp/types.xml"

expect_cmd() { # WANT COMMAND...
	local want=$1 out
	shift
	out=$("$@") || { echo "exit $? from $*"; return 1; }
	[ "$out" = "$want" ] || { printf 'from %s\ngot:    %s\nwanted: %s\n' "$*" "$out" "$want"; return 1; }
}

refused() { # WANT-EXIT WANT-TEXT COMMAND...: fails with that status and prints that text
	local want=$1 text=$2 err got
	shift 2
	err=$("$@" 2>&1 >/dev/null)
	got=$?
	[ "$got" -eq "$want" ] || { echo "exit $got from $*, wanted $want: $err"; return 1; }
	grep -qF -- "$text" <<<"$err" || { echo "no '$text' in: $err"; return 1; }
}

define_types() {
	"$ctl" define --owner 0:0 --mode 0644 "$tmp/types.xml"
}

objects_table() {
	local out
	out=$("$ctl" objects) || return 1
	echo "$out"
	head -n 1 <<<"$out" | grep -qE '^ID +NAME +VERSION +INSTANCES +OWNER +MODE$' &&
		grep -qE "^$T +klwm2mctl test types +1\.2 +0 +0:0 +0644$" <<<"$out"
}

objects_json() {
	"$ctl" -j objects | python3 -c '
import json, sys
objs = json.load(sys.stdin)
o = [o for o in objs if o["id"] == '$T'][0]
assert o == {"id": '$T', "name": "klwm2mctl test types", "version": "1.2", "multiple": True,
             "mandatory": False, "instances": 0, "uid": 0, "gid": 0, "mode": "0644"}, o
'
}

show_text() {
	local out
	out=$("$ctl" show $T) || return 1
	[ "$out" = "$("$ctl" objects $T)" ] || { echo "objects $T differs from show $T"; return 1; }
	echo "$out"
	grep -qx "object $T: klwm2mctl test types, version 1.2, multiple instances, optional" <<<"$out" &&
		grep -qx "owner 0:0, mode 0644, 0 instances" <<<"$out" &&
		grep -qE '^1 +Unsigned +unsigned +RW +single +optional' <<<"$out" &&
		grep -qE '^9 +Integers +integer +RW +multiple +optional' <<<"$out" &&
		grep -qE '^10 +Reboot +none +E +single' <<<"$out" &&
		grep -qE '^11 +Percent +integer +RW +single +optional +range 0\.\.100 *$' <<<"$out" &&
		grep -qE '^12 +Key +opaque +RW +single +optional +secret$' <<<"$out"
}

show_json() {
	"$ctl" -j show $T | python3 -c '
import json, sys
o = json.load(sys.stdin)
types = {r["id"]: r["type"] for r in o["resources"]}
assert types == {0: "integer", 1: "unsigned", 2: "float", 3: "boolean", 4: "string",
                 5: "opaque", 6: "time", 7: "objlnk", 8: "corelnk", 9: "integer",
                 10: "none", 11: "integer", 12: "opaque"}, types
r = {r["id"]: r for r in o["resources"]}
assert r[11]["range"] == ["0", "100"] and r[12]["secret"] and r[9]["multiple"], r
assert r[10]["ops"] == "E" and r[0]["ops"] == "RW", r
'
}

creates() {
	expect_cmd "/$T/0" "$ctl" create /$T &&
		expect_cmd "/$T/5" "$ctl" create /$T/5 &&
		expect_cmd "/$T/1" "$ctl" create /$T &&
		expect_cmd "{\"path\":\"/$T/2\"}" "$ctl" -j create /$T
}

set_get_every_type() {
	local p=/$T/0
	"$ctl" set $p/0 -42 $p/1 18446744073709551615 $p/2 0.1 $p/3 true $p/4 "hello, world" \
		$p/5 00FF10 $p/6 1700000000 $p/7 3:0 $p/8 '</3/0>;ct=0' || return 1
	expect_cmd -42 "$ctl" get $p/0 &&
		expect_cmd 18446744073709551615 "$ctl" get $p/1 &&
		expect_cmd 0.10000000000000001 "$ctl" get $p/2 &&
		expect_cmd true "$ctl" get $p/3 &&
		expect_cmd "hello, world" "$ctl" get $p/4 &&
		expect_cmd 00ff10 "$ctl" get $p/5 &&
		expect_cmd 1700000000 "$ctl" get $p/6 &&
		expect_cmd 3:0 "$ctl" get $p/7 &&
		expect_cmd '</3/0>;ct=0' "$ctl" get $p/8 &&
		"$ctl" set $p/3 0 $p/2 -1e300 $p/7 65535:65535 $p/4 "" &&
		expect_cmd false "$ctl" get $p/3 &&
		expect_cmd -1.0000000000000001e+300 "$ctl" get $p/2 &&
		expect_cmd 65535:65535 "$ctl" get $p/7 &&
		expect_cmd "" "$ctl" get $p/4
}

get_json_types() {
	local p=/$T/0
	"$ctl" set $p/4 "hello, world" || return 1
	for r in 0 1 2 3 4 5 6 7 8; do "$ctl" -j get $p/$r || return 1; done | python3 -c '
import json, sys
got = [json.loads(l) for l in sys.stdin]
want = [("integer", -42), ("unsigned", 18446744073709551615), ("float", -1e300),
        ("boolean", False), ("string", "hello, world"), ("opaque", "00ff10"),
        ("time", 1700000000), ("objlnk", "65535:65535"), ("corelnk", "</3/0>;ct=0")]
assert [(g["type"], g["value"]) for g in got] == want, got
assert got[0]["path"] == "/'$T'/0/0", got[0]
'
}

multiple_resource() {
	"$ctl" set /$T/0/9/0 10 /$T/0/9/1 11 /$T/0/9/7 17 || return 1
	expect_cmd 11 "$ctl" get /$T/0/9/1 &&
		expect_cmd "/$T/0/9/0 integer 10
/$T/0/9/1 integer 11
/$T/0/9/7 integer 17" "$ctl" get /$T/0/9
}

delete_resource_instance() {
	"$ctl" set /$T/0/9/1 --delete || return 1
	"$ctl" delete /$T/0/9/7 || return 1
	refused 1 "kernel reports: " "$ctl" get /$T/0/9/1 &&
		expect_cmd "/$T/0/9/0 integer 10" "$ctl" get /$T/0/9
}

replace_multiple_resource() {
	"$ctl" set /$T/0/9/3 3 || return 1
	"$ctl" set /$T/0/9 --delete /$T/0/9/5 50 /$T/0/9/6 60 || return 1
	expect_cmd "/$T/0/9/5 integer 50
/$T/0/9/6 integer 60" "$ctl" get /$T/0/9 &&
		"$ctl" delete /$T/0/9 && expect_cmd "" "$ctl" get /$T/0/9
}

atomic_batch() {
	"$ctl" set /$T/0/0 7 /$T/0/11 50 || return 1
	# The last value is out of range: nothing lands, and the entry is named.
	refused 1 "set /$T/0/11: Numerical result out of range (kernel reports: value outside the resource's range)" \
		"$ctl" set /$T/0/0 8 /$T/0/9/0 1 /$T/0/11 101 || return 1
	expect_cmd 7 "$ctl" get /$T/0/0 && expect_cmd 50 "$ctl" get /$T/0/11 &&
		expect_cmd "" "$ctl" get /$T/0/9
}

bad_text_lands_nothing() {
	refused 2 "/$T/0/1: \"-1\" is not a valid unsigned" "$ctl" set /$T/0/0 9 /$T/0/1 -1 &&
		refused 2 "is not a valid boolean" "$ctl" set /$T/0/0 9 /$T/0/3 yes &&
		refused 2 "is not a valid opaque" "$ctl" set /$T/0/5 abc &&
		refused 2 "is not a valid objlnk" "$ctl" set /$T/0/7 3 &&
		refused 2 "out of range" "$ctl" set /$T/0/0 9223372036854775808 &&
		expect_cmd 7 "$ctl" get /$T/0/0
}

wrong_resources_refused() {
	refused 1 "executable and holds no value" "$ctl" set /$T/0/10 1 &&
		refused 1 "has no resource 99" "$ctl" set /$T/0/99 1 &&
		refused 1 "kernel reports: no such instance" "$ctl" set /$T/9/0 1 &&
		refused 1 "kernel reports: no such object" "$ctl" set /31999/0/0 1
}

dump_text() {
	local out
	out=$("$ctl" dump /$T) || return 1
	[ "$(head -n 3 <<<"$out")" = "/$T/0
/$T/0/0 integer 7
/$T/0/1 unsigned 18446744073709551615" ] || { echo "$out"; return 1; }
	grep -qx "/$T/0/12 opaque <secret>" <<<"$out" && { echo "root sees a secret as hidden"; return 1; }
	grep -qx "/$T/1" <<<"$out" && grep -qx "/$T/2" <<<"$out" && grep -qx "/$T/5" <<<"$out" &&
		[ "$("$ctl" dump /$T/0)" = "$(sed -n "/^\/$T\/0/p" <<<"$out")" ] &&
		[ "$("$ctl" dump)" = "$out" ] &&
		[ "$("$ctl" get /$T)" = "$out" ]
}

dump_json() {
	"$ctl" -j dump | python3 -c '
import json, sys
recs = json.load(sys.stdin)
assert recs[0] == {"path": "/'$T'/0", "kind": "instance"}, recs[0]
assert recs[1] == {"path": "/'$T'/0/0", "kind": "value", "type": "integer", "value": 7}, recs[1]
paths = [r["path"] for r in recs]
assert paths.index("/'$T'/5") > paths.index("/'$T'/0/8"), paths
'
}

secrets_hidden_from_others() {
	"$ctl" set /$T/0/12 c0ffee || return 1
	expect_cmd c0ffee "$ctl" get /$T/0/12 &&
		refused 1 "kernel reports: secret resources are read by admins only" \
			nobody "$ctl" get /$T/0/12 &&
		nobody "$ctl" dump /$T/0 | grep -qx "/$T/0/12 opaque <secret>" &&
		nobody "$ctl" -j dump /$T/0 | grep -qF '{"path":"/'$T'/0/12","kind":"secret","type":"opaque"}' &&
		expect_cmd 7 nobody "$ctl" get /$T/0/0
}

unprivileged_set_refused_by_mode() {
	refused 1 "Operation not permitted (kernel reports: " nobody "$ctl" set /$T/0/0 1 &&
		expect_cmd 7 "$ctl" get /$T/0/0 &&
		refused 1 "kernel reports: " nobody "$ctl" create /$T &&
		refused 1 "kernel reports: " nobody "$ctl" delete /$T/0 &&
		refused 1 "Operation not permitted" nobody "$ctl" undefine $T
}

# A netlink attribute's length is 16 bits: KLWM2M_VALUE_WIRE_MAX (65480
# bytes) is the module's default max_value_size; 65489 bytes no longer fit
# a SET's nest at a resource path and the library refuses them itself.
values_of_64k() {
	local big
	big=$(head -c 65480 /dev/zero | tr '\0' x)
	"$ctl" set /$T/0/4 "$big" || return 1
	[ "$("$ctl" get /$T/0/4)" = "$big" ] || { echo "get differs"; return 1; }
	[ "$("$ctl" dump /$T/0 | grep "^/$T/0/4 ")" = "/$T/0/4 string $big" ] ||
		{ echo "dump differs"; return 1; }
	"$ctl" -j dump | python3 -c '
import json, sys
recs = [r for r in json.load(sys.stdin) if r["path"] == "/'$T'/0/4"]
assert recs[0]["value"] == "x" * 65480, len(recs[0]["value"])
' || return 1
	refused 1 "kernel reports: value longer than the module's max_value_size" \
		"$ctl" set /$T/0/4 "${big}y" &&
		refused 1 "a value longer than a netlink attribute carries" \
			"$ctl" set /$T/0/4 "${big}yyyyyyyyy" &&
		[ "$("$ctl" get /$T/0/4)" = "$big" ]
}

monitor_prints_events() {
	local pid i
	"$ctl" monitor >"$tmp/mon.out" 2>"$tmp/mon.err" &
	pid=$!
	mon_pid=$pid
	for i in $(seq 50); do grep -q listening "$tmp/mon.err" && break; sleep 0.2; done
	"$ctl" create /$T/7 >/dev/null && "$ctl" set /$T/7/0 1 /$T/7/9/0 2 &&
		"$ctl" set /$T/7/9 --delete && "$ctl" delete /$T/7 || return 1
	sleep 1
	kill -INT "$pid"
	wait "$pid" || { echo "monitor exited $?"; cat "$tmp/mon.err"; return 1; }
	mon_pid=
	cat "$tmp/mon.out"
	sed 's/ portid [0-9]*$//' "$tmp/mon.out" >"$tmp/mon.kinds"
	[ "$(cat "$tmp/mon.kinds")" = "instance-created /$T/7
value-changed /$T/7/0 /$T/7/9/0
value-changed /$T/7/9
instance-deleted /$T/7" ] && grep -qE '^instance-created /[0-9/]+ portid [1-9][0-9]*$' "$tmp/mon.out"
}

monitor_json() {
	local pid i
	# Not through nobody(): $! must be the monitor itself.
	setpriv --reuid=65534 --regid=65534 --clear-groups "$ctl" -j monitor \
		>"$tmp/monj.out" 2>"$tmp/monj.err" &
	pid=$!
	mon_pid=$pid
	for i in $(seq 50); do grep -q listening "$tmp/monj.err" && break; sleep 0.2; done
	"$ctl" set /$T/0/0 5 && "$ctl" define "$reg/3303.xml" >/dev/null && "$ctl" undefine 3303 || return 1
	sleep 1
	kill -TERM "$pid"
	wait "$pid" || { echo "monitor exited $?"; cat "$tmp/monj.err"; return 1; }
	mon_pid=
	python3 - "$tmp/monj.out" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
assert [(e["kind"], e["paths"]) for e in ev] == [
    ("value-changed", ["/32000/0/0"]), ("object-defined", ["/3303"]),
    ("object-undefined", ["/3303"])], ev
assert all(e["portid"] > 0 and "server" not in e for e in ev), ev
PY
}

# ---- owners: own runs a command for each execute, exec prints its status
start_bg() { # PATTERN OUT ARGS...: klwm2mctl ARGS in the background, once stderr shows PATTERN
	local pattern=$1 out=$2 i
	shift 2
	"$ctl" "$@" >"$out" 2>"$out.err" &
	bg_pid=$!
	for i in $(seq 100); do grep -q "$pattern" "$out.err" && return 0; sleep 0.2; done
	echo "klwm2mctl $* did not start:"
	cat "$out.err"
	return 1
}

start_own() { # OUT ARGS...: klwm2mctl ARGS in the background, once it owns
	start_bg '^klwm2mctl: owning' "$@"
}

stop_bg() { # SIGNAL: it exits 0
	local rc
	kill "-$1" "$bg_pid"
	wait "$bg_pid"
	rc=$?
	bg_pid=
	[ "$rc" -eq 0 ] || { echo "klwm2mctl exited $rc"; return 1; }
}

# The command: logs its environment to the file $0, exits with the code its arguments name.
# shellcheck disable=SC2016 # expanded by the command's own shell
handler='echo "$KLWM2M_PATH|$KLWM2M_ARGS|$KLWM2M_SERVER" >>"$0"; exit "${KLWM2M_ARGS#code=}"'

own_runs_a_command_per_execute() {
	start_own "$tmp/own.out" own $T/0 -- sh -c "$handler" "$tmp/own.log" || return 1
	expect_cmd 0 "$ctl" exec $T/0/10 code=0 &&
		refused 1 "exec /$T/0/10: Input/output error" \
			"$ctl" exec --server 101 /$T/0/10 code=3 &&
		[ "$("$ctl" exec /$T/0/10 code=4 2>/dev/null)" = -5 ] &&
		"$ctl" set --server 101 /$T/0/0 8 /$T/1/0 9 || return 1
	sleep 1
	stop_bg INT || { cat "$tmp/own.out.err"; return 1; }
	cat "$tmp/own.out"
	[ "$(cat "$tmp/own.log")" = "/$T/0/10|code=0|
/$T/0/10|code=3|101
/$T/0/10|code=4|" ] || { echo "the command saw:"; cat "$tmp/own.log"; return 1; }
	# The write to /$T/1, not owned, is not shown.
	[ "$(sed 's/ portid [0-9]*//' "$tmp/own.out")" = "exec /$T/0/10 status 0
exec /$T/0/10 server 101 status -5
exec /$T/0/10 status -5
value-changed /$T/0/0 server 101" ]
}

own_json() {
	# shellcheck disable=SC2016 # expanded by the command's own shell
	start_own "$tmp/ownj.out" -j own /$T -- sh -c 'echo chatter; exit 127' || return 1
	"$ctl" -j exec /$T/1/10 >"$tmp/execj.out"
	[ $? -eq 1 ] || { echo "exec did not exit 1"; return 1; }
	stop_bg TERM || return 1
	grep -q chatter "$tmp/ownj.out.err" || { echo "no chatter on stderr"; return 1; }
	python3 - "$tmp/ownj.out" "$tmp/execj.out" <<'PY'
import errno, json, sys
own = [json.loads(l) for l in open(sys.argv[1])]
assert len(own) == 1, own
e = own[0]
assert (e["kind"], e["path"], e["status"]) == ("exec", "/32000/1/10", -errno.ENOEXEC), e
assert e["id"] > 0 and "server" not in e, e
r = json.load(open(sys.argv[2]))
assert r == {"path": "/32000/1/10", "status": -errno.ENOEXEC, "error": r["error"]}, r
PY
}

nobody_owns_after_own_exits() {
	refused 1 "kernel reports: no app owns the object or the instance of this resource" \
		"$ctl" exec /$T/0/10
}

own_refusals() {
	refused 1 "kernel reports: the object's mode does not let you write it" \
		nobody "$ctl" own $T/0 -- true &&
		refused 1 "kernel reports: no such instance" "$ctl" own $T/77 -- true &&
		refused 1 "kernel reports: the resource is not executable" "$ctl" exec /$T/0/0 &&
		refused 1 "Operation not permitted" nobody "$ctl" exec /$T/0/10
}

# ---- the notification engine: attributes, server defaults, observe
attr_write_show_dump() {
	"$ctl" attr /$T/0/2 --ssid 101 --pmin 2 --pmax 60 --gt 25.5 --lt -1 --st 0.5 --con 1 &&
		"$ctl" attr --ssid 101 /$T/0 --epmin 1 &&
		"$ctl" attr /$T/0/3 --ssid 101 --edge 1 || return 1
	expect_cmd "/$T/0/2 pmin=2 pmax=60 gt=25.5 lt=-1 st=0.5 con=1" "$ctl" attr /$T/0/2 --ssid 101 &&
		expect_cmd "/$T/1" "$ctl" attr /$T/1 --ssid 101 &&
		expect_cmd "/$T/0 epmin=1
/$T/0/2 pmin=2 pmax=60 gt=25.5 lt=-1 st=0.5 con=1
/$T/0/3 edge=1" "$ctl" attr --ssid 101 &&
		expect_cmd "" "$ctl" attr --ssid 102 &&
		"$ctl" -j attr --ssid 101 | python3 -c '
import json, sys
a = json.load(sys.stdin)
assert [x["path"] for x in a] == ["/'$T'/0", "/'$T'/0/2", "/'$T'/0/3"], a
assert a[1] == {"path": "/'$T'/0/2", "pmin": 2, "pmax": 60, "gt": 25.5, "lt": -1.0, "st": 0.5,
                "con": 1}, a[1]
assert a[2] == {"path": "/'$T'/0/3", "edge": 1}, a[2]
'
}

attr_clear() {
	"$ctl" attr /$T/0/2 --ssid 101 --clear gt,con --hqmax 3 || return 1
	expect_cmd "/$T/0/2 pmin=2 pmax=60 lt=-1 st=0.5 hqmax=3" "$ctl" attr /$T/0/2 --ssid 101 &&
		"$ctl" attr /$T/0 --ssid 101 --clear epmin &&
		"$ctl" attr /$T/0/3 --ssid 101 --clear edge &&
		"$ctl" attr /$T/0/2 --ssid 101 --clear pmin,pmax,lt,st,hqmax &&
		expect_cmd "" "$ctl" attr --ssid 101
}

attr_refusals() {
	"$ctl" attr /$T/0/2 --ssid 101 --lt 0 || return 1
	refused 1 "kernel reports: lt must be below gt" "$ctl" attr /$T/0/2 --ssid 101 --gt -5 &&
		refused 1 "kernel reports: gt, lt and st apply to numeric resources only" \
			"$ctl" attr /$T/0/4 --ssid 101 --gt 1 &&
		refused 1 "kernel reports: edge applies to boolean resources only" \
			"$ctl" attr /$T/0/0 --ssid 101 --edge 1 &&
		refused 1 "Operation not permitted" nobody "$ctl" attr /$T/0/2 --ssid 101 --pmin 1 &&
		expect_cmd "/$T/0/2 lt=0" "$ctl" attr /$T/0/2 --ssid 101 &&
		"$ctl" attr /$T/0/2 --ssid 101 --clear lt
}

server_defaults() {
	"$ctl" server 101 --pmin 1 --pmax 300 && "$ctl" server 101 --pmax 30 && "$ctl" server 101 &&
		refused 1 "Operation not permitted" nobody "$ctl" server 101 --pmin 1
}

wait_lines() { # FILE N: until FILE has N lines (40 s at most: QEMU without KVM)
	local i
	for i in $(seq 200); do [ "$(wc -l <"$1")" -ge "$2" ] && return 0; sleep 0.2; done
	echo "$1 has $(wc -l <"$1") lines, wanted $2:"
	cat "$1"
	return 1
}

# Notification lines without their time: SEQ REASON [con] PATH VALUE...
untimed() {
	sed -E 's/^([0-9]+ [a-z]+) [0-9]+\.[0-9]{9}( |$)/\1\2/' "$1"
}

observe_with_gt() {
	"$ctl" set /$T/0/2 5 && "$ctl" attr /$T/0/2 --ssid 201 --gt 30 --con 1 || return 1
	start_bg '^klwm2mctl: observing' "$tmp/obs.out" observe /$T/0/2 --ssid 201 --initial ||
		return 1
	# 10 and 36 cross nothing: no notification.
	"$ctl" set /$T/0/2 10 && "$ctl" set /$T/0/2 35 && "$ctl" set /$T/0/2 36 &&
		"$ctl" set /$T/0/2 20 || return 1
	wait_lines "$tmp/obs.out" 3 || return 1
	sleep 1
	stop_bg INT || { cat "$tmp/obs.out.err"; return 1; }
	cat "$tmp/obs.out"
	grep -qE '^1 initial [0-9]{10}\.[0-9]{9} con /' "$tmp/obs.out" &&
		[ "$(untimed "$tmp/obs.out")" = "1 initial con /$T/0/2 5
2 change con /$T/0/2 35
3 change con /$T/0/2 20" ] && "$ctl" attr /$T/0/2 --ssid 201 --clear gt,con
}

observe_json() {
	"$ctl" set /$T/1/0 9 || return 1
	start_bg '^klwm2mctl: observing' "$tmp/obsj.out" -j observe /$T/1 --initial || return 1
	"$ctl" set /$T/1/0 10 /$T/1/3 true && "$ctl" set /$T/1/4 "a b" || return 1
	wait_lines "$tmp/obsj.out" 3 || return 1
	stop_bg TERM || return 1
	python3 - "$tmp/obsj.out" "$(date +%s)" <<'EOF'
import json, sys
n = [json.loads(l) for l in open(sys.argv[1])]
assert [(x["seq"], x["reason"], x["con"]) for x in n] == [
    (1, "initial", False), (2, "change", False), (3, "change", False)], n
assert len({x["id"] for x in n}) == 1 and n[0]["id"] > 0, n
now = int(sys.argv[2]) * 10**9
assert all(now - 600 * 10**9 < x["time_ns"] <= now + 10**9 for x in n), n
v = [[(r["path"], r["type"], r["value"]) for r in x["values"]] for x in n]
assert v[0] == [("/32000/1/0", "integer", 9)], v[0]
assert v[1] == [("/32000/1/0", "integer", 10), ("/32000/1/3", "boolean", True)], v[1]
assert v[2][-1] == ("/32000/1/4", "string", "a b"), v[2]
EOF
}

observe_server_pmax() {
	"$ctl" set /$T/0/0 7 && "$ctl" server 203 --pmax 1 || return 1
	start_bg '^klwm2mctl: observing' "$tmp/obsp.out" observe /$T/0/0 --ssid 203 || return 1
	wait_lines "$tmp/obsp.out" 1 || return 1
	stop_bg INT || return 1
	"$ctl" server 203 || return 1
	untimed "$tmp/obsp.out" | head -n 1 | grep -qx "1 pmax /$T/0/0 7"
}

observe_ends_when_gone() {
	local i
	"$ctl" create /$T/8 >/dev/null || return 1
	start_bg '^klwm2mctl: observing' "$tmp/obsg.out" observe /$T/8 || return 1
	"$ctl" delete /$T/8 || return 1
	for i in $(seq 100); do kill -0 "$bg_pid" 2>/dev/null || break; sleep 0.2; done
	wait "$bg_pid" || { echo "observe exited $?"; return 1; }
	bg_pid=
	grep -q "/$T/8 was removed" "$tmp/obsg.out.err" && [ "$(untimed "$tmp/obsg.out")" = "1 gone" ]
}

observe_refusals() {
	refused 1 "kernel reports: no such instance" "$ctl" observe /$T/99 &&
		refused 1 "kernel reports: an executable resource holds no value to observe" \
			"$ctl" observe /$T/0/10
}

undefine_busy() {
	refused 1 "Device or resource busy (kernel reports: the object still has instances)" \
		"$ctl" undefine $T
}

delete_and_undefine() {
	local i
	for i in 0 1 2 5; do "$ctl" delete /$T/$i || return 1; done
	refused 1 "kernel reports: no such instance" "$ctl" delete /$T/0 &&
		"$ctl" undefine $T &&
		! "$ctl" objects | grep -q "^$T " &&
		refused 1 "not found (kernel reports: " "$ctl" get /$T/0/0 &&
		refused 1 "kernel reports: no such object" "$ctl" dump /$T &&
		refused 1 "kernel reports: no such object" "$ctl" show $T &&
		expect_cmd "" "$ctl" dump
}

usage_exits_2() {
	local args
	for args in "set" "set /$T/0/0" "set /$T/0/0 1 /$T/0/1" "set /$T/0 1" "get" "get /x" \
		"get /$T/0/0/0/0" "get /65535/0/0" "create /$T/0/0" "delete /$T" "dump / /" \
		"undefine x" "undefine 65535" "objects 1 2" "show" "monitor x" "create" \
		"exec" "exec /$T/0" "exec --server 0 /$T/0/10" "exec /$T/0/10 a b" "own $T" \
		"own $T --" "own $T/0/10 -- true" "set --server 65535 /$T/0/0 1" \
		"attr /$T/0/2" "attr /$T/0/2 --ssid 0" "attr /$T/0/2 --ssid 1 --edge 2" \
		"attr /$T/0/2 --ssid 1 --pmin -1" "attr /$T/0/2 --ssid 1 --gt x" \
		"attr /$T/0/2 --ssid 1 --clear foo" "attr --ssid 1 --pmin 1" "attr / --ssid 1" \
		"attr /$T/0 /$T/1 --ssid 1" "server" "server 0" "server 65535" "server 1 --pmax x" \
		"observe" "observe /$T/0 /$T/1" "observe /$T/0 --ssid 0" "observe /"; do
		# shellcheck disable=SC2086 # the arguments are meant to split
		exit_code 2 "$ctl" $args || { echo "klwm2mctl $args"; return 1; }
	done
}

help_has_examples() {
	local out
	out=$("$ctl" --help) || return 1
	for c in undefine objects show create delete set get dump monitor own exec attr server \
		observe; do
		grep -q "^  klwm2mctl .*$c" <<<"$out" || { echo "no example of $c"; return 1; }
	done
}

check "define an object with every type" define_types
check "objects lists it with version, instances, owner and mode" objects_table
check "objects -j lists it as JSON" objects_json
check "show (and objects OID) prints its resources with types, ops and limits" show_text
check "show -j prints its resources as JSON" show_json
check "create picks the lowest free instance ID or takes the one given" creates
check "create refuses an instance that exists" \
	refused 1 "kernel reports: the instance exists already" "$ctl" create /$T/5
check "set and get every type in its text form" set_get_every_type
check "get -j gives every type as JSON" get_json_types
check "set writes resource instances; get of a multiple resource lists them" multiple_resource
check "set --delete and delete remove a resource instance" delete_resource_instance
check "set PATH --delete then values replaces a multiple resource" replace_multiple_resource
check "a batch with one value out of range lands nothing and names it" atomic_batch
check "a value that does not read as its type exits 2 and lands nothing" bad_text_lands_nothing
check "executable, unknown resources and missing instances are refused" wrong_resources_refused
check "dump prints instances then their values, by path" dump_text
check "dump -j prints records as JSON" dump_json
check "secrets are hidden from others, shown to admins" secrets_hidden_from_others
check "an unprivileged user cannot write an object of mode 0644" unprivileged_set_refused_by_mode
check "a value of max_value_size (65480 bytes) passes set, get and dump; longer ones are refused" values_of_64k
check "monitor prints every change until SIGINT" monitor_prints_events
check "monitor -j as nobody prints JSON lines until SIGTERM" monitor_json
check "own runs its command per execute; exec prints the status; server writes show" \
	own_runs_a_command_per_execute
check "own -j and exec -j print JSON; the command's output goes to stderr" own_json
check "once own exited, nobody owns the object" nobody_owns_after_own_exits
check "own and exec are refused with the kernel's reason" own_refusals
check "attr writes, shows exactly one path's attributes and dumps a server's, also as JSON" \
	attr_write_show_dump
check "attr --clear removes the named attributes and keeps the rest" attr_clear
check "a refused attr changes nothing, exits 1 and prints the kernel's reason" attr_refusals
check "server sets and removes a server's default periods (admins only)" server_defaults
check "observe prints the initial state and only the crossings of a gt set with attr --ssid" \
	observe_with_gt
check "observe -j prints one JSON object per notification" observe_json
check "a server's default pmax makes observe print a pmax notification" observe_server_pmax
check "observe ends by itself when the observed instance is deleted" observe_ends_when_gone
check "observe is refused with the kernel's reason" observe_refusals
check "undefine is refused with EBUSY while instances exist" undefine_busy
check "delete then undefine empties the store" delete_and_undefine
check "bad usage exits 2" usage_exits_2
check "--help shows an example of every command" help_has_examples
echo "1..$n"
exit $failed
