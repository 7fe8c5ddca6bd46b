#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2317  # the steps are functions that step() calls
# CoAP's transmission parameters from the configuration ([agent]
# coap_ack_timeout_ms = 300, coap_ack_random_factor = 1, coap_max_retransmit
# = 2): at the server's address a UDP socket takes datagrams and never
# answers. The agent's Register goes out 3 times (once, then 2
# retransmissions) with one Message ID, 300 ms then 600 ms apart (factor 1:
# no randomness), and fails as unanswered after MAX_TRANSMIT_WAIT = 300 ms x
# (2^3 - 1) = 2.1 s, not RFC 7252's 93 s; the next attempt follows after the
# Retry Timer (1 s here). A configuration with a bad value is refused naming
# the key. TAP output. Runs in the test VM with the module loaded, in a
# network namespace of its own.
set -uo pipefail
if [ -z "${REG_COAP_PARAMS_NETNS:-}" ]; then
	REG_COAP_PARAMS_NETNS=1 exec unshare --net "$0" "$@"
fi
name=reg-coap-params
# shellcheck source=tests/e2e/reg-lib.bash
. "$(dirname "$0")/reg-lib.bash"
port=5683

step "the store is prepared (objects, /3303/0)" setup
step "the Server instance retries after 1 s" retry_account 3 1 30 1

# The sink: every datagram's arrival and Message ID. The arrival time is the
# kernel's receive timestamp (SO_TIMESTAMPNS, taken on loopback while the
# agent's sendmsg() runs), not when this script got the CPU: on the
# one-CPU test VM the agent may run on for tens of milliseconds first.
python3 - "$port" >"$work/sink.out" 2>&1 <<'PY' &
import socket, struct, sys, time
SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
end = time.monotonic() + 60
while time.monotonic() < end:
    s.settimeout(end - time.monotonic())
    try:
        d, anc, _, _ = s.recvmsg(4096, socket.CMSG_SPACE(16))
    except socket.timeout:
        break
    ts = [struct.unpack("qq", data[:16]) for level, kind, data in anc
          if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS]
    if not ts:
        sys.exit("no SO_TIMESTAMPNS control message")
    if len(d) >= 4:
        print("%.3f %d %d" % (ts[0][0] + ts[0][1] / 1e9, d[1], d[2] << 8 | d[3]), flush=True)
PY
extra_pids+=("$!")
sleep 0.5

refused_conf() {
	write_conf "$port" 60
	sed -i 's/^\[agent\]$/[agent]\ncoap_max_retransmit = 17/' "$work/klwm2md.conf"
	if "$agent" --check -c "$work/klwm2md.conf" >"$work/check.out" 2>&1; then
		echo "accepted:"
		cat "$work/check.out"
		return 1
	fi
	grep "klwm2md.conf:2: key 'coap_max_retransmit' in \[agent\]: 17 is outside 1..16" \
		"$work/check.out" || { cat "$work/check.out"; return 1; }
}
step "coap_max_retransmit = 17 is refused, naming file, line and key" refused_conf

write_conf "$port" 60
sed -i 's/^\[agent\]$/[agent]\ncoap_ack_timeout_ms = 300\ncoap_ack_random_factor = 1\ncoap_max_retransmit = 2/' \
	"$work/klwm2md.conf"
step "the agent starts" start_agent

step "the unanswered Register fails as a timeout" \
	wait_file "$work/agent.log" "Register failed: no answer (timeout); attempt 1 of 3, next in 1 s" 15

# The first attempt's datagrams: POSTs (code 2) with the first Message ID.
first_attempt() {
	awk 'NR == 1 { mid = $3 } $2 == 2 && $3 == mid { print $1 }' "$work/sink.out" >"$work/t"
	[ "$(wc -l <"$work/t")" = 3 ] || { echo "not 3 transmissions:"; cat "$work/sink.out"; return 1; }
	awk 'NR > 1 { printf "gap %.3f s\n", $1 - prev } { prev = $1 }' "$work/t"
	awk 'NR == 2 { g1 = $1 - prev } NR == 3 { g2 = $1 - prev } { prev = $1 }
	     END { exit !(g1 >= 0.28 && g1 < 0.6 && g2 >= 0.58 && g2 < 1.0) }' "$work/t"
}
step "Register went out 3 times with one Message ID, 300 ms then 600 ms apart" first_attempt

gave_up_in_time() { # the next attempt: MAX_TRANSMIT_WAIT (2.1 s) + the Retry Timer (1 s)
	local second=
	for _ in $(seq 100); do
		second=$(awk 'NR == 1 { mid = $3; t0 = $1 } $2 == 2 && $3 != mid { print $1 - t0; exit }' \
			"$work/sink.out")
		[ -n "$second" ] && break
		sleep 0.1
	done
	[ -n "$second" ] || { echo "no second attempt:"; cat "$work/sink.out"; return 1; }
	echo "second attempt $second s after the first"
	awk -v d="$second" 'BEGIN { exit !(d >= 3.0 && d < 5.0) }'
}
step "the second attempt starts MAX_TRANSMIT_WAIT (2.1 s) + 1 s after the first" gave_up_in_time

kill -TERM "$apid" 2>/dev/null
finish
