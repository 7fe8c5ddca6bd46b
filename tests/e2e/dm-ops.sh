#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2317  # the steps are functions that step() calls
# A server manages the device through the DM half of klwm2md
# (tests/e2e/dm-harness: lwm2m_dm_request() on a real CoAP endpoint) with
# libcoap's coap-client: reads /3/0 in TLV, SenML JSON, SenML CBOR and a
# resource in text, discovers, writes, writes attributes and sees them in
# Discover, creates and deletes a 3303 instance, executes /3/0/4 handled by
# an app and /1/0/8 handled by the agent, observes /3303/0/5700 while an app
# changes it, sees a deleted instance end its observation with 4.04, and
# gets the right error for bad requests with the store unchanged. TAP
# output. Runs in the test VM with the module loaded, in a network namespace
# of its own (a fresh, empty store).
set -uo pipefail
if [ -z "${DM_OPS_NETNS:-}" ]; then
	DM_OPS_NETNS=1 exec unshare --net "$0" "$@"
fi
top=$(cd "$(dirname "$0")/../.." && pwd)
harness=$top/build/tests/dm-harness
ctl=$top/build/klwm2mctl
client=$(command -v coap-client-notls || true)
port=5683
uri=coap://127.0.0.1:$port
n=0
rc=0

for f in "$harness" "$ctl" "$client"; do
	if [ ! -x "$f" ]; then
		echo "not ok 1 - dm-ops: ${f:-coap-client-notls} is missing (make user; libcoap3-bin)"
		exit 1
	fi
done
if [ ! -d /sys/kernel/klwm2m ]; then
	echo "not ok 1 - dm-ops: the klwm2m module is not loaded"
	exit 1
fi

work=$(mktemp -d /tmp/dm-ops.XXXXXX)
hpid=
opid=
cleanup() {
	[ -n "$opid" ] && kill "$opid" 2>/dev/null
	[ -n "$hpid" ] && kill -KILL "$hpid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

step() { # DESCRIPTION COMMAND...: one TAP line
	local desc=$1
	shift
	n=$((n + 1))
	if "$@" >"$work/step" 2>&1; then
		echo "ok $n - dm-ops: $desc"
	else
		echo "not ok $n - dm-ops: $desc"
		sed 's/^/# /' "$work/step"
		rc=1
	fi
}

# coap ARGS... URI-PATH: one request; $work/code the response code (the
# last one: a separate response follows an empty ACK), $work/body the
# payload, $work/trace libcoap's message trace (options, diagnostics).
coap() {
	local path=${*: -1}
	set -- "${@:1:$#-1}"
	rm -f "$work/body"
	"$client" -v 6 -B 10 -o "$work/body" "$@" "$uri$path" >"$work/trace" 2>&1
	grep -o 'c:[2-5]\.[0-9][0-9]' "$work/trace" | tail -1 | cut -c3- >"$work/code"
	touch "$work/body"
}

code_is() { # WANT
	local got
	got=$(cat "$work/code")
	[ "$got" = "$1" ] || { echo "code $got, wanted $1"; cat "$work/trace"; return 1; }
}

body_has() { # FIXED-STRING
	grep -aqF -- "$1" "$work/body" || { echo "body lacks '$1':"; od -c "$work/body" | head; return 1; }
}

trace_has() { # FIXED-STRING
	grep -qF -- "$1" "$work/trace" || { echo "trace lacks '$1':"; cat "$work/trace"; return 1; }
}

eq() { # PATH WANT: klwm2mctl get PATH prints WANT
	local got
	got=$("$ctl" get "$1") || return 1
	[ "$got" = "$2" ] || { echo "$1: got '$got', wanted '$2'"; return 1; }
}

wait_file() { # FILE PATTERN: appears within 10 s
	for _ in $(seq 100); do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "no '$2' in $1:"
	cat "$1"
	return 1
}

setup() {
	ip link set lo up &&
	"$ctl" define "$top/objects/1-server.xml" "$top/objects/3-device.xml" \
		"$top/objects/3303-temperature.xml" &&
	"$ctl" create /1/0 && "$ctl" set /1/0/0 1 /1/0/1 300 &&
	"$ctl" create /3/0 &&
	"$ctl" set /3/0/0 klwm2m /3/0/9 87 /3/0/11/0 0 /3/0/11/1 3 /3/0/14 +01:00 &&
	"$ctl" create /3303/0 && "$ctl" set /3303/0/5700 21.5 /3303/0/5701 Cel &&
	"$ctl" define "$top/tests/e2e/dm-vault.xml" && "$ctl" create /32769/0 &&
	"$ctl" set /32769/0/0 alpha /32769/0/1 s3cr3tkey /32769/0/2 tok3n
}

start_harness() {
	"$harness" "$port" 1 >"$work/harness.out" 2>"$work/harness.log" &
	hpid=$!
	wait_file "$work/harness.out" '^ready$'
}

# ---- Read
read_tlv() {
	coap -A 11542 /3/0 && code_is 2.05 && trace_has "Content-Format:11542" &&
		body_has klwm2m && body_has "+01:00"
}
read_senml_json() {
	coap -A 110 /3/0 && code_is 2.05 && trace_has "Content-Format:application/senml+json" &&
		body_has '"vs":"klwm2m"' && body_has '"n":"11/1","v":3'
}
read_senml_cbor() {
	coap -A 112 /3/0 && code_is 2.05 && trace_has "Content-Format:application/senml+cbor" && body_has klwm2m
}
read_text() {
	coap /3303/0/5700 && code_is 2.05 && trace_has "Content-Format:text/plain" &&
		[ "$(cat "$work/body")" = 21.5 ] || { cat "$work/body"; return 1; }
}
read_not_acceptable() {
	coap -A 50 /3/0 && code_is 4.06
}

# ---- Discover
discover_instance() {
	coap -A 40 /3/0 && code_is 2.05 && body_has '</3/0>,</3/0/0>' &&
		body_has '</3/0/4>' && body_has '</3/0/11>;dim=2'
}

# ---- Write
write_text() {
	coap -m put -t 0 -e kitchen /3303/0/5750 && code_is 2.04 && eq /3303/0/5750 kitchen
}
write_senml_partial() {
	printf '[{"bn":"/3303/0/","n":"5750","vs":"hall"}]' >"$work/senml"
	coap -m post -t 110 -f "$work/senml" /3303/0 && code_is 2.04 && eq /3303/0/5750 hall
}

# ---- Write-Attributes
write_attrs() {
	coap -m put /3303/0/5700?pmin=1\&gt=30.5\&st=0.5 && code_is 2.04 &&
		coap -A 40 /3303/0 && code_is 2.05 && body_has '</3303/0/5700>;pmin=1;gt=30.5;st=0.5'
}
clear_attr() {
	coap -m put /3303/0/5700?gt\&st && code_is 2.04 &&
		coap -A 40 /3303/0/5700 && code_is 2.05 &&
		[ "$(cat "$work/body")" = '</3303/0/5700>;pmin=1' ] || { cat "$work/body"; return 1; }
}
attr_refused_by_kernel() { # gt on a string: 4.00, the kernel's reason as diagnostic
	coap -m put /3303/0/5701?gt=1 && code_is 4.00 && trace_has "numeric" &&
		coap -A 40 /3303/0/5701 && [ "$(cat "$work/body")" = '</3303/0/5701>' ]
}
attr_unknown() {
	coap -m put /3303/0/5700?dim=3 && code_is 4.00
}

# ---- Create, Delete
create_tlv() { # 5750 = "x" as a TLV resource (16-bit ID): e1 16 76 78
	printf '\xe1\x16\x76\x78' >"$work/tlv"
	coap -m post -t 11542 -f "$work/tlv" /3303 && code_is 2.01 &&
		trace_has "Location-Path:3303, Location-Path:1" && eq /3303/1/5750 x
}
create_readonly_refused() { # 5701 is read-only: 4.00, and no instance is left
	printf '\xe3\x16\x45Cel' >"$work/tlv"
	coap -m post -t 11542 -f "$work/tlv" /3303 && code_is 4.00 &&
		! "$ctl" dump /3303/2 >/dev/null 2>&1
}
create_mandatory_missing() { # /32769's Name (0) is mandatory and writable
	printf '\xc1\x02\x74' >"$work/tlv"	# 2 = "t" only
	coap -m post -t 11542 -f "$work/tlv" /32769 && code_is 4.00 &&
		trace_has "mandatory resource 0 (Name) is missing" &&
		! "$ctl" dump /32769/1 >/dev/null 2>&1 &&
		coap -m post /32769 && code_is 4.00 && ! "$ctl" dump /32769/1 >/dev/null 2>&1
}
create_mandatory_given() {
	printf '\xc1\x00\x6e\xc1\x02\x74' >"$work/tlv"	# 0 = "n", 2 = "t"
	coap -m post -t 11542 -f "$work/tlv" /32769 && code_is 2.01 &&
		trace_has "Location-Path:32769, Location-Path:1" && eq /32769/1/0 n &&
		coap -m delete /32769/1 && code_is 2.02
}
delete_instance() {
	coap -m delete /3303/1 && code_is 2.02 && ! "$ctl" get /3303/1/5750 >/dev/null 2>&1
}
delete_single_instance_object() {
	coap -m delete /3/0 && code_is 4.05 && eq /3/0/0 klwm2m
}

# ---- Execute
exec_owned() {
	# shellcheck disable=SC2016  # expanded by the app's shell
	"$ctl" own 3 -- sh -c 'echo "$KLWM2M_PATH [$KLWM2M_ARGS] $KLWM2M_SERVER" >>"$0"' \
		"$work/execs" >"$work/own.out" 2>&1 &
	opid=$!
	sleep 1
	coap -m post -e "0='soft',1" /3/0/4 && code_is 2.04 &&
		wait_file "$work/execs" "^/3/0/4 \[0='soft',1\] 1$"
}
exec_bad_args() {
	coap -m post -e "soft" /3/0/4 && code_is 4.00 && [ "$(wc -l <"$work/execs")" = 1 ]
}
exec_no_owner() {
	kill "$opid" && wait "$opid"
	opid=
	coap -m post /3/0/4 && code_is 5.03
}
exec_not_executable() {
	coap -m post /3/0/0 && code_is 4.05
}
update_trigger() {
	coap -m post /1/0/8 && code_is 2.04 && wait_file "$work/harness.out" '^update-trigger 1$'
}

# ---- Observe
# coap-client observes for 20 s, then leaves with Observe 1: room for three changes
# 1.2 s apart on a TCG host that is busy with other VMs (8 s was not, once).
observe_changes() {
	"$client" -v 6 -B 30 -s 20 "$uri/3303/0/5700" >"$work/observe" 2>&1 &
	local cpid=$!
	wait_file "$work/observe" "'21.5'" || return 1
	sleep 1.2
	"$ctl" set /3303/0/5700 22.5 && wait_file "$work/observe" "'22.5'" || return 1
	sleep 1.2
	"$ctl" set /3303/0/5700 23.5 && wait_file "$work/observe" "'23.5'" || return 1
	wait "$cpid"
	# coap-client leaves with Observe 1 (or an RST): the kernel side ended too
	wait_file "$work/harness.log" "ended by the endpoint"
}
observe_gone() {
	"$ctl" create /3303/5 && "$ctl" set /3303/5/5700 1.5 || return 1
	"$client" -v 6 -B 20 -s 8 -A 11542 "$uri/3303/5" >"$work/observe5" 2>&1 &
	local cpid=$!
	wait_file "$work/observe5" "c:2.05" || return 1
	"$ctl" delete /3303/5 && wait_file "$work/observe5" "c:4.04"
	kill "$cpid" 2>/dev/null
	wait "$cpid" 2>/dev/null
	return 0
}

# ---- secrets and write-only resources never leave the device
secrets_not_read() {
	coap -A 110 /32769/0 && code_is 2.05 && body_has '"vs":"alpha"' &&
		! grep -aq 's3cr3tkey\|tok3n' "$work/body" &&
		coap /32769/0/1 && code_is 4.01 && coap /32769/0/2 && code_is 4.05
}
write_only_written() {
	coap -m put -t 0 -e newtok /32769/0/2 && code_is 2.04 && eq /32769/0/2 newtok &&
		coap -A 40 /32769/0 && body_has '</32769/0/0>,</32769/0/1>,</32769/0/2>'
}
observe_con_without_secrets() { # con=1: notifications are CON; the key stays out
	coap -m put /32769/0?con=1 && code_is 2.04 || return 1
	"$client" -v 6 -B 20 -s 6 -A 110 "$uri/32769/0" >"$work/observe-v" 2>&1 &
	local cpid=$!
	wait_file "$work/observe-v" "alpha" || return 1
	"$ctl" set /32769/0/0 beta /32769/0/1 n3wkey &&
		wait_file "$work/observe-v" '"vs":"beta"' &&
		wait_file "$work/observe-v" "t:CON c:2.05 .*Observe:" || return 1
	wait "$cpid"
	! grep -q "n3wkey\|s3cr3tkey" "$work/observe-v" || { cat "$work/observe-v"; return 1; }
}

# ---- bad requests: the code, and the store as it was
write_readonly() {
	coap -m put -t 0 -e other /3/0/0 && code_is 4.05 && eq /3/0/0 klwm2m
}
write_bad_tlv() {
	printf '\xff\x01' >"$work/tlv"
	coap -m put -t 11542 -f "$work/tlv" /3303/0 && code_is 4.00 && eq /3303/0/5750 hall
}
write_bad_format() {
	coap -m put -t 50 -e '{}' /3303/0/5750 && code_is 4.15 && eq /3303/0/5750 hall
}
write_bad_value() { # text into a time resource
	coap -m put -t 0 -e soon /3/0/13 && code_is 4.00
}
read_unknown() {
	coap /3/0/99 && code_is 4.04 && coap /9999 && code_is 4.04 && coap /3/7 && code_is 4.04
}
read_bad_id() {
	coap /3/01 && code_is 4.00 && coap /65535 && code_is 4.00
}
read_security() {
	coap /0 && code_is 4.01
}
root_not_allowed() {
	coap -m delete / && code_is 4.05
}

stop_harness() { # SIGTERM: exit 0, and no sanitizer report
	kill -TERM "$hpid" && wait "$hpid"
	local st=$?
	hpid=
	[ "$st" = 0 ] && ! grep -q "ERROR: \(Address\|Leak\)Sanitizer\|runtime error" "$work/harness.log" ||
		{ tail -40 "$work/harness.log"; return 1; }
}

step "the objects are defined and /3/0, /3303/0, /1/0 hold values" setup
step "the harness listens on 127.0.0.1:$port" start_harness
step "Read /3/0 in TLV" read_tlv
step "Read /3/0 in SenML JSON" read_senml_json
step "Read /3/0 in SenML CBOR" read_senml_cbor
step "Read /3303/0/5700 in plain text" read_text
step "Read with an Accept no format fits is 4.06" read_not_acceptable
step "Discover /3/0 lists resources, the executable one and dim" discover_instance
step "Write /3303/0/5750 in text" write_text
step "Write partial update of /3303/0 in SenML JSON" write_senml_partial
step "Write-Attributes pmin gt st, then Discover shows them" write_attrs
step "Write-Attributes with names alone clears gt and st" clear_attr
step "Write-Attributes gt on a string: 4.00 with the kernel's reason, nothing set" attr_refused_by_kernel
step "Write-Attributes dim is refused with 4.00" attr_unknown
step "Create /3303 in TLV: 2.01 at /3303/1" create_tlv
step "Create with a read-only resource: 4.00 and no instance left" create_readonly_refused
step "Create without a mandatory writable resource: 4.00, no instance" create_mandatory_missing
step "Create with the mandatory resource: 2.01" create_mandatory_given
step "Delete /3303/1: 2.02, its values gone" delete_instance
step "Delete /3/0 (single-instance object): 4.05, still there" delete_single_instance_object
step "Execute /3/0/4 reaches the owning app with its arguments" exec_owned
step "Execute with bad arguments: 4.00, the app not run" exec_bad_args
step "Execute with no app owning it: 5.03" exec_no_owner
step "Execute of a readable resource: 4.05" exec_not_executable
step "Execute /1/0/8 triggers an Update for server 1" update_trigger
step "Observe /3303/0/5700 gets the changes an app makes" observe_changes
step "Observe of a deleted instance ends with 4.04" observe_gone
step "Read leaves secrets and write-only values out; reading them alone is 4.01, 4.05" secrets_not_read
step "A write-only resource is written; Discover lists every path" write_only_written
step "Observe with con=1: CON notifications, still without the secret" observe_con_without_secrets
step "Write to a read-only resource: 4.05, unchanged" write_readonly
step "Write of a malformed TLV: 4.00, unchanged" write_bad_tlv
step "Write in an unsupported format: 4.15, unchanged" write_bad_format
step "Write of a bad time value: 4.00" write_bad_value
step "Read of unknown paths: 4.04" read_unknown
step "Read of malformed IDs: 4.00" read_bad_id
step "Read of the Security object: 4.01" read_security
step "Delete of the root: 4.05" root_not_allowed
step "the harness stops on SIGTERM, cleanly" stop_harness
echo "1..$n"
exit $rc
