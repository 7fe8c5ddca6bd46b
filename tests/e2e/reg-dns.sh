#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2317  # the steps are functions that step() calls
# A device with three LwM2M servers, two of them named by host name, and a
# DNS server that is slow for one name and dead for the other: klwm2md
# registers with the server given by address at once and answers its Read
# while the lookup of slow.klwm2m.test waits (the DNS server holds that
# answer until the Read was answered); it registers with slow.klwm2m.test
# once the answer comes; the lookup of dead.klwm2m.test times out, is logged
# with c-ares's reason and retried as the Server instance's retry resources
# say (3 attempts, 1 s, 2 s); SIGTERM with a lookup in flight ends the agent
# with status 0, at once.
#
# Blocked in the lookup, as the agent was with getaddrinfo(), it would not
# register with the address server before glibc gave up on the slow name
# (resolv.conf's timeout:30 attempts:2, which c-ares 1.18 ignores: 60 s per
# name); a check bounds that registration to REG_BOUND_S after the start,
# by the wall clock of the agent's log lines.
#
# Runs in the test VM with the module loaded, in a network namespace and a
# mount namespace of its own: a temporary resolv.conf (nameserver 127.0.0.1)
# is bind-mounted over /etc/resolv.conf (the root stays read-only and
# untouched), and a fake DNS server in python3 answers on 127.0.0.1:53.
# The agent's first server is the slow name: it binds "::" (dual-stack) and
# reaches the address server as ::ffff:127.0.0.1. TAP output.
set -uo pipefail
if [ -z "${REG_DNS_NS:-}" ]; then
	REG_DNS_NS=1 exec unshare --net --mount "$0" "$@"
fi
name=reg-dns
# shellcheck source=tests/e2e/reg-lib.bash
. "$(dirname "$0")/reg-lib.bash"
if ! command -v python3 >/dev/null; then
	echo "not ok 1 - $name: python3 is missing"
	exit 1
fi
REG_BOUND_S=25

step "the store is prepared (objects, /3303/0)" setup

# c-ares 1.18 reads retrans:MS and retry:N (5 s, then 10 s: a dead name fails
# after 15 s); glibc reads timeout:N and attempts:N (30 s, 2 tries).
printf 'nameserver 127.0.0.1\noptions retrans:5000 retry:2 timeout:30 attempts:2\n' \
	>"$work/resolv.conf"
step "a private /etc/resolv.conf names 127.0.0.1" \
	mount --bind "$work/resolv.conf" /etc/resolv.conf
step "the resolv.conf seen is the private one" grep -q '^nameserver 127.0.0.1$' /etc/resolv.conf

cat >"$work/dns.py" <<'PY'
# A DNS server for one test: slow.klwm2m.test has A 127.0.0.1 (AAAA: no
# data), answered once the file RELEASE exists (at once from then on);
# dead.klwm2m.test is never answered; any other name is NXDOMAIN at once.
# One line per event.
import os, select, socket, sys, time

release = sys.argv[1]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 53))
t0 = time.monotonic()
held = []  # (datagram, peer, name)

def log(what):  # seconds since the start, and the wall clock (bash's EPOCHREALTIME)
    print("%.3f %s at %.3f" % (time.monotonic() - t0, what, time.time()), flush=True)

def parse(m):
    i, labels = 12, []
    while m[i]:
        labels.append(m[i + 1:i + 1 + m[i]].decode("ascii", "replace"))
        i += 1 + m[i]
    qtype = int.from_bytes(m[i + 1:i + 3], "big")
    return ".".join(labels).lower(), qtype, i + 5

def answer(m, qend, rcode, rdata=None, qtype=1):
    flags = bytes([0x80 | (m[2] & 1), 0x80 | rcode])
    head = m[:2] + flags + b"\x00\x01" + (b"\x00\x01" if rdata else b"\x00\x00") + b"\x00" * 4
    out = head + m[12:qend]
    if rdata:
        out += b"\xc0\x0c" + qtype.to_bytes(2, "big") + b"\x00\x01" + (60).to_bytes(4, "big")
        out += len(rdata).to_bytes(2, "big") + rdata
    return out

log("ready")
while True:
    if select.select([s], [], [], 0.1)[0]:
        m, peer = s.recvfrom(512)
        try:
            name, qtype, qend = parse(m)
        except (IndexError, ValueError):
            continue
        log("query %s %d" % (name, qtype))
        if name == "dead.klwm2m.test":
            continue
        if name == "slow.klwm2m.test":
            rdata = bytes([127, 0, 0, 1]) if qtype == 1 else None
            held.append((answer(m, qend, 0, rdata, qtype), peer, name))
        else:
            s.sendto(answer(m, qend, 3), peer)
    if held and os.path.exists(release):
        for out, peer, name in held:
            s.sendto(out, peer)
            log("answer %s" % name)
        held = []
PY
python3 "$work/dns.py" "$work/release" >"$work/dns.out" 2>&1 &
extra_pids+=("$!")
step "the fake DNS server runs on 127.0.0.1:53" wait_file "$work/dns.out" "ready" 20

# Server 1, by address: registers at once, and its Read is answered while
# the slow name is still being looked up (the DNS server has not answered).
cat >"$work/scn1" <<SCN
wait-register 90
read /3/0/0 accept=text value 0="Example Industries"
exec-shell "grep -q 'answer slow' $work/dns.out" status 1
exec-shell "echo done >$work/read-done"
wait-deregister within 180
SCN
# Server 2, slow.klwm2m.test: registers only after the answer.
cat >"$work/scn2" <<SCN
wait-register 120
exec-shell "grep -q 'answer slow.klwm2m.test' $work/dns.out"
read /3/0/0 accept=text value 0="Example Industries"
wait-deregister within 180
SCN
start_servers 2

# account IID SSID COUNT: the Server instance of the named servers before the
# agent starts (it updates them in place): COUNT attempts 1 s, 2 s, ...
# apart, 3 s between sequences, 2 sequences.
account() {
	"$ctl" create "/1/$1" >/dev/null &&
	"$ctl" set "/1/$1/0" "$2" "/1/$1/1" 60 "/1/$1/6" false "/1/$1/7" U \
		"/1/$1/17" "$3" "/1/$1/18" 1 "/1/$1/19" 3 "/1/$1/20" 2
}
step "server 3's Server instance has retry resources 3, 1 s, 3 s, 2" account 2 3 3
# server 2's, should its lookup time out before the answer is released
step "server 2's Server instance has retry resources 5, 1 s, 3 s, 2" account 3 2 5

# reg-lib's configuration (server 1 by address), with the slow server first
# (its name decides the bind address: "::") and the dead one last.
write_conf "${ports[1]}" 60
sed -i "/^\[server 1\]/i [server 2]\nuri = coap://slow.klwm2m.test:${ports[2]}\nlifetime = 60\n" \
	"$work/klwm2md.conf"
sed -i "/^\[device\]/i [server 3]\nuri = coap://dead.klwm2m.test:5683\nlifetime = 60\n" \
	"$work/klwm2md.conf"
# The agent, its log lines stamped with the time (bash's EPOCHREALTIME),
# through a FIFO (the VM has no /dev/fd for a process substitution).
stamp() { while IFS= read -r l; do printf '%s %s\n' "$EPOCHREALTIME" "$l"; done; }
start_agent_stamped() {
	: >"$work/agent.log"
	mkfifo "$work/agent.fifo" || return 1
	stamp <"$work/agent.fifo" >>"$work/agent.log" &
	extra_pids+=("$!")
	"$agent" -c "$work/klwm2md.conf" >"$work/agent.fifo" 2>&1 &
	apid=$!
	echo "$apid" >"$work/agent.pid"
	wait_file "$work/agent.log" "running as endpoint" 30
}
t_start=$EPOCHREALTIME
step "the agent starts" start_agent_stamped

step "the slow name is asked" wait_file "$work/dns.out" "query slow.klwm2m.test" 20
step "registered with server 1 (by address)" \
	wait_file "$work/agent.log" "registered with server 1 " 60
stamp_of() { sed -n "/$1/{s/ .*//p;q}" "$work/agent.log"; } # PATTERN: its first line's time
in_time() { # wall clock (wait_file counts polls, and TCG makes them slow)
	local t0 t1 ms
	t0=$(stamp_of "running as endpoint")
	t1=$(stamp_of "registered with server 1 ")
	[ -n "$t0" ] && [ -n "$t1" ] || return 1
	ms=$(( (${t1/./} - ${t0/./}) / 1000 ))
	echo "registered with server 1 $ms ms after the start"
	[ "$ms" -lt $((REG_BOUND_S * 1000)) ]
}
step "... within $REG_BOUND_S s of the start" in_time
sed 's/^/# /' "$work/step"
step "server 1's Read was answered" wait_file "$work/read-done" "done" 20
pending() { # the first lookup of slow.klwm2m.test is in flight, unanswered
	grep -q "server 2: looking up 'slow.klwm2m.test'" "$work/agent.log" &&
	! grep -q "server 2: cannot resolve\|server 2: Register\|answer slow" \
		"$work/agent.log" "$work/dns.out"
}
step "... while server 2's lookup was still waiting for the DNS server" pending
touch "$work/release"
step "registered with server 2 (slow.klwm2m.test) after the answer" \
	wait_file "$work/agent.log" "registered with server 2 " 30
step "server 2's Register went to the answer's address" \
	grep -q "server 2: 'slow.klwm2m.test' is 127.0.0.1" "$work/agent.log"

step "server 3's lookup times out, logged with c-ares's reason" \
	wait_file "$work/agent.log" \
	"server 3: cannot resolve 'dead.klwm2m.test': Timeout while contacting DNS servers" 40
step "... as a failed Register attempt" \
	wait_file "$work/agent.log" "server 3: Register failed: .*; attempt 1 of 3, next in 1 s" 5
step "... retried: a second attempt fails too, next in 2 s" \
	wait_file "$work/agent.log" "server 3: Register failed: .*; attempt 2 of 3, next in 2 s" 40
lookups() { grep -c "server 3: looking up 'dead.klwm2m.test'" "$work/agent.log"; }
third_lookup() { # the third attempt's lookup is in flight
	for _ in $(seq 50); do
		[ "$(lookups)" -ge 3 ] && return 0
		sleep 0.1
	done
	echo "$(lookups) lookups of dead.klwm2m.test"
	return 1
}
step "the third attempt is looking the name up" third_lookup
step "the DNS server was asked for the dead name each time" \
	bash -c "[ \$(grep -c 'query dead.klwm2m.test' '$work/dns.out') -ge 3 ]"

t_kill=$EPOCHREALTIME
kill -TERM "$apid"
status=0
wait_exit "$apid" 15 || status=$?
t_exit=$EPOCHREALTIME
apid=
step "SIGTERM with a lookup in flight: the agent exits 0 (status $status)" [ "$status" = 0 ]
stop_ms=$(( (${t_exit/./} - ${t_kill/./}) / 1000 ))
# the lookup had up to 15 s to go; the Deregisters take a moment
step "... at once, not after the lookup (${stop_ms} ms)" [ "$stop_ms" -lt 8000 ]
servers_tap 2
step "both deregistrations logged" \
	bash -c "grep -q 'deregistered from server 1 ' '$work/agent.log' &&
		grep -q 'deregistered from server 2 ' '$work/agent.log'"
sed 's/^/# dns: /' "$work/dns.out"
echo "# the test started the agent at $t_start"
[ "$rc" = 0 ] || show_agent_log
echo "1..$n"
exit "$rc"
