#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The module parameter exec_timeout_ms: klwm2m.ko refuses to load with 0;
# loaded with 300, an execute whose owner never answers fails with ETIMEDOUT
# after about 300 ms (the exec selftest's timeout case, which reads the
# parameter); then the module is reloaded with its defaults. Runs inside the
# test VM after run-in-vm ran the exec selftests with the default. TAP output.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
ko=${KLWM2M_KO:-$top/build/vm/klwm2m.ko}
param=/sys/module/klwm2m/parameters/exec_timeout_ms
tap_name='exec'
# shellcheck source=tests/selftests/tap.sh
. "$top/tests/selftests/tap.sh"
echo "TAP version 13"
echo "1..3"

refuses_zero() {
	rmmod klwm2m || return 1
	if insmod "$ko" exec_timeout_ms=0; then
		echo "loaded with exec_timeout_ms=0"
		return 1
	fi
	dmesg | tail -n 5 | grep -q 'refusing to load: exec_timeout_ms must be at least 1'
}

times_out_after_300ms() {
	insmod "$ko" exec_timeout_ms=300 && [ "$(cat "$param")" = 300 ] &&
		"$top/build/selftests/exec" -t an_owner_that_never_answers_times_out
}

reload_defaults() {
	rmmod klwm2m && insmod "$ko" && [ "$(cat "$param")" = 2000 ]
}

check "klwm2m.ko refuses exec_timeout_ms=0 and says why" refuses_zero
check "with exec_timeout_ms=300 an unanswered execute times out after 300 ms" times_out_after_300ms
check "klwm2m.ko reloads with its defaults" reload_defaults
exit $rc
