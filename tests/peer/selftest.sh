#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Host test of klwm2m-testsrv against klwm2m-testdev (a libcoap device) and
# coap-client-notls: every kind of step passes against a device that does
# the right thing, every kind of check fails when the device does not do
# what the scenario says, and a broken scenario is refused. Prints TAP.
#
#   selftest.sh [BINDIR]      BINDIR holds klwm2m-testsrv and klwm2m-testdev
#                             (default: this script's directory)
set -u

bin=${1:-$(dirname "$(readlink -f "$0")")}
srv=$bin/klwm2m-testsrv
dev=$bin/klwm2m-testdev
n=0
rc=0
for b in "$srv" "$dev"; do
	[ -x "$b" ] || { echo "not ok 1 - peer selftest: $b is missing"; exit 1; }
done
command -v coap-client-notls >/dev/null ||
	{ echo "not ok 1 - peer selftest: coap-client-notls is missing (libcoap3-bin)"; exit 1; }

T=$(mktemp -d)
srv_pid=
dev_pid=
cleanup() {
	[ -n "$dev_pid" ] && kill "$dev_pid" 2>/dev/null
	[ -n "$srv_pid" ] && kill "$srv_pid" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

result() {	# result OK DESCRIPTION [LOG]
	n=$((n + 1))
	if [ "$1" = 1 ]; then
		echo "ok $n - peer: $2"
	else
		echo "not ok $n - peer: $2"
		# the failed steps with what led to them, else the end of the log
		if [ -n "${3:-}" ]; then
			if grep -q '^not ok' "$3"; then
				grep -B 15 '^not ok' "$3"
			else
				tail -n 40 "$3"
			fi | cut -c 1-200 | sed 's/^/# /'
		fi
		rc=1
	fi
}

# run NAME [DEVICE]: the server on a free port with $T/NAME.scn, the device
# (unless "nodev") registered to it; waits for the server; its exit status
# goes to $T/NAME.rc, its output to $T/NAME.out.
run() {
	local name=$1 with=${2:-dev} i
	rm -f "$T/port"
	"$srv" --port 0 --port-file "$T/port" --timeout 5 "$T/$name.scn" >"$T/$name.out" 2>&1 &
	srv_pid=$!
	for i in $(seq 100); do [ -s "$T/port" ] && break; sleep 0.05; done
	if [ "$with" = dev ] && [ -s "$T/port" ]; then
		"$dev" --port "$(cat "$T/port")" --ep selftest-dev 2>"$T/$name.dev" &
		dev_pid=$!
		echo "$dev_pid" >"$T/dev.pid"
	fi
	wait "$srv_pid"
	echo $? >"$T/$name.rc"
	srv_pid=
	if [ -n "$dev_pid" ]; then
		kill "$dev_pid" 2>/dev/null
		wait "$dev_pid"
		echo $? >"$T/$name.devrc"
		dev_pid=
	fi
}

long=$(printf '%01100d' 0 | tr 0 L)	# 1100 bytes: Block1 out, Block2 back
DEV="\$(cat $T/dev.pid)"

# ---- 1. every step kind, against a device that behaves
cat >"$T/pass.scn" <<EOF
# registration, reads in every format, discover
wait-register 10
read /3/0 accept=tlv expect 2.05 value 0="klwm2m" value 9=87 value 9=uint:87 value 13=time:1700000000 value 11/0=0 count 9 content=tlv
read /3/0 accept=senml-json value 0="klwm2m" value 9>=80 value 9<100 content=senml-json
read /3/0 accept=senml-cbor value 1="testdev" value 13=time:1700000000 count 9 content=senml-cbor
read /3/0/9 accept=text value 9=87 content=text
read /3303/0 value 5700=21.5 value 5700=float:21.5 value 5701="Cel"
read /3/0/4 expect 4.05
discover /3/0 expect 2.05 contains "</3/0/11>;dim=1" contains "</3/0/9>" count 10
# writes: replace, partial update, refused, block-wise both ways
write /3/0/14 format=tlv 14="+02:00" expect 2.04
read /3/0/14 accept=text value 14="+02:00"
write-update /3/0 format=senml-json 15="Europe/Berlin" /3/0/14=str:"+01:00" expect 2.04
read /3/0 accept=senml-cbor value 15="Europe/Berlin" value 14="+01:00"
write /3/0/0 format=tlv 0="nope" expect 4.05
write /3/0/17 format=senml-cbor 17="$long" expect 2.04
read /3/0/17 accept=text value 17="$long"
write-attributes /3/0/9?pmin=1&pmax=5 expect 2.04
discover /3/0 contains "</3/0/9>;pmin=1;pmax=5"
execute /3/0/4 args="0='x'" expect 2.04
# create (ID given, ID chosen by the device), delete
create /3303 instance 5 format=senml-json 5700=float:-3.25 5701="K" expect 2.01 location /3303/5
read /3303/5 accept=senml-cbor value 5700=-3.25 count 2
create /3303 format=tlv 5700=1.5 5701="Cel" expect 2.01
read /3303/6 accept=tlv value 5700=1.5 value 5701="Cel"
delete /3303/5 expect 2.02
read /3303/5 expect 4.04
# observe, notifications, cancel by GET and by RST
observe /3/0/9 accept=tlv expect 2.05 value 9=87
exec-shell "kill -USR1 $DEV"
wait-notify /3/0/9 count 1 within 5 value 9=86
exec-shell "for i in 1 2 3; do sleep 0.4; kill -USR1 $DEV; done"
wait-notify /3/0/9 count 3 within 5 min-gap 0.2 max-gap 3 value 9=83
cancel /3/0/9 expect 2.05
exec-shell "kill -USR1 $DEV"
wait-notify /3/0/9 count 0 within 1
observe /3/0 accept=senml-json value 9=82
exec-shell "kill -USR1 $DEV"
wait-notify /3/0 count 1 within 5 value 9=81 value 0="klwm2m"
cancel /3/0
observe /3/0/9 accept=senml-cbor
exec-shell "(sleep 0.5; kill -USR1 $DEV) >/dev/null 2>&1 &"
cancel-rst /3/0/9 within 5
exec-shell "kill -USR1 $DEV"
wait-notify /3/0/9 count 0 within 1
# malformed messages from the server's port
raw 40 01 12 34 b1 33 expect 2.05
raw 45 01 00 01 expect rst
raw 60 00 00 07 expect none within 0.5
# the rest of the registration interface and the odd steps
exec-shell "exit 3" status 3
sleep 0.2
exec-shell "kill -USR2 $DEV"
wait-update within 5
exec-shell "kill -TERM $DEV"
wait-deregister within 5
EOF
run pass
plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$T/pass.out")
oks=$(grep -c '^ok ' "$T/pass.out")
result "$([ "$(cat "$T/pass.rc")" = 0 ] && [ -n "$plan" ] && [ "$oks" = "$plan" ] && echo 1)" \
	"every step kind passes against a conforming device ($oks of ${plan:-?} steps)" "$T/pass.out"
result "$(grep -q '^#   /3/0/17 = "L' "$T/pass.out" && grep -q 'Location-Path /3303/6' "$T/pass.out" && echo 1)" \
	"block-wise values and the device-chosen instance are printed" "$T/pass.out"

# ---- 2. mismatches fail, each with its reason
cat >"$T/fail.scn" <<EOF
wait-register 10
read /3/0/99 expect 2.05
read /3/0 accept=tlv value 0="other"
read /3/0 accept=senml-json count 3
read /3/0/9 accept=text content=tlv
read /3/0 accept=tlv value 0>5
discover /3/0 contains "</3/0/99>"
write /3/0/0 format=tlv 0="x" expect 2.04
create /3303 instance 7 format=tlv 5700=1.0 location /3303/8
observe /3/0/9
wait-notify /3/0/9 count 1 within 0.5
exec-shell "kill -USR1 $DEV"
wait-notify /3/0/9 count 0 within 0.5
cancel-rst /3/0/11 within 0.5
raw 40 01 12 35 b1 33 expect rst
exec-shell "exit 3"
wait-update within 0.5
wait-deregister within 0.5
read /3/0/9 accept=senml-json value 9=1
EOF
run fail
expect_fail() {	# STEP MESSAGE
	result "$(grep -qF "not ok $1 - " "$T/fail.out" &&
		grep "^not ok $1 - " "$T/fail.out" | grep -qF -- "$2" && echo 1)" \
		"a mismatch fails step $1: $2" "$T/fail.out"
}
result "$([ "$(cat "$T/fail.rc")" = 1 ] && echo 1)" "the server exits 1 when a step fails" "$T/fail.out"
expect_fail 2 "expected 2.05, got 4.04"
expect_fail 3 '/3/0/0 is "klwm2m", expected ="other"'
expect_fail 4 "9 values, expected 3"
expect_fail 5 "content format text, expected tlv"
expect_fail 6 "not comparable"
expect_fail 7 "no link </3/0/99>"
expect_fail 8 "expected 2.04, got 4.05"
expect_fail 9 "Location-Path '/3303/7', expected '/3303/8'"
expect_fail 11 "0 of 1 notifications"
expect_fail 13 "1 notifications, expected none"
expect_fail 14 "/3/0/11 is not observed"
expect_fail 15 "2.05, expected RST"
expect_fail 16 "exit status 3, expected 0"
expect_fail 17 "no update within"
expect_fail 18 "no deregistration within"
expect_fail 19 "/3/0/9 is 86, expected =1"
result "$([ "$(grep -c '^ok ' "$T/fail.out")" = 3 ] && echo 1)" \
	"only the three setup steps of the failing scenario pass" "$T/fail.out"

# ---- 3. no device: steps say so instead of hanging
cat >"$T/nodev.scn" <<EOF
wait-register 0.5
read /3/0
raw 40 01 00 01 expect rst
EOF
run nodev nodev
result "$([ "$(cat "$T/nodev.rc")" = 1 ] && grep -q '^not ok 1 .*no registration within' "$T/nodev.out" &&
	[ "$(grep -c 'no registered device' "$T/nodev.out")" = 2 ] && echo 1)" \
	"without a device, wait-register and requests fail" "$T/nodev.out"

# ---- 4. registrations from a device we did not write (libcoap's client)
cat >"$T/coap.scn" <<EOF
wait-register 10
wait-update within 10
wait-deregister within 10
EOF
rm -f "$T/port"
"$srv" --port 0 --port-file "$T/port" "$T/coap.scn" >"$T/coap.out" 2>&1 &
srv_pid=$!
for i in $(seq 100); do [ -s "$T/port" ] && break; sleep 0.05; done
p=$(cat "$T/port")
coap-client-notls -m post -B 3 "coap://127.0.0.1:$p/rd?ep=coapdev&lt=60&lwm2m=1.1&b=U" \
	-t 40 -e '</>;rt="oma.lwm2m",</1/0>,</3/0>;ver=1.1' >"$T/coap.client" 2>&1
coap-client-notls -m post -B 3 "coap://127.0.0.1:$p/rd/1?lt=120" >>"$T/coap.client" 2>&1
bad=$(coap-client-notls -m delete -B 3 "coap://127.0.0.1:$p/rd/42" 2>&1)
noep=$(coap-client-notls -m post -B 3 "coap://127.0.0.1:$p/rd?lt=60" 2>&1)
coap-client-notls -m delete -B 3 "coap://127.0.0.1:$p/rd/1" >>"$T/coap.client" 2>&1
wait "$srv_pid"
src=$?
srv_pid=
result "$([ "$src" = 0 ] && grep -q 'register rd/1 .*ep=coapdev lt=60 lwm2m=1.1 b=U' "$T/coap.out" &&
	grep -q 'objects: </>;rt=oma.lwm2m </1/0> </3/0>;ver=1.1' "$T/coap.out" &&
	grep -q 'update rd/1 .*lt=120' "$T/coap.out" && echo 1)" \
	"coap-client-notls registers, updates and deregisters" "$T/coap.out"
result "$(echo "$bad" | grep -q '4.04' && echo "$noep" | grep -q '4.00' && echo 1)" \
	"an unknown registration is 4.04, one without ep 4.00 ($bad / $noep)"

# ---- 5. a broken scenario is refused before anything is sent
bad_scn() {	# LINE MESSAGE
	printf '%s\n' "$1" >"$T/bad.scn"
	out=$("$srv" --check "$T/bad.scn" 2>&1)
	st=$?
	result "$([ $st = 2 ] && echo "$out" | grep -F "bad.scn:1: " | grep -qF -- "$2" && echo 1)" \
		"scenario '$1' is refused: $2"
}
bad_scn "reed /3/0" "unknown step 'reed'"
bad_scn "read /3/0 expect 2.5" "is not a CoAP code"
bad_scn "read /3/0 within 3" "'within' is not an option of this step"
bad_scn "read 3/0" "bad path"
bad_scn "write /3/0/14 format=tlv 14=\"unterminated" "unterminated quote"
bad_scn "create /3303 format=senml-json 5700=1.0" "create without an instance ID needs format=tlv"
bad_scn "write /3/0 format=tlv /4/0/1=5" "under the target"
bad_scn "read /3/0 value 0=int:x" "value does not fit its type"
out=$("$srv" --check "$T/pass.scn" 2>&1)
result "$([ $? = 0 ] && echo "$out" | head -n 1 | grep -qx "1\.\.$plan" && echo 1)" "--check prints the plan of a good scenario"

echo "1..$n"
exit $rc
