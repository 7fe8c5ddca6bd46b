# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-or-later
# TAP for the selftest scripts, sourced: check() runs a command as one test
# and prints "ok N - $tap_name: DESCRIPTION", or "not ok" and the command's
# output as comments; $rc is 1 once a test failed.
n=0
rc=0
check() {	# check DESCRIPTION COMMAND...
	local desc=$1 out
	shift
	n=$((n + 1))
	if out=$("$@" 2>&1); then
		echo "ok $n - $tap_name: $desc"
	else
		echo "not ok $n - $tap_name: $desc"
		printf '%s\n' "$out" | sed 's/^/# /'
		rc=1
	fi
}
