#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The sysfs selftests once more with the module reloaded with sysfs_values=0
# (no value files, directories of objects and instances only), then reloaded
# with its defaults. Runs inside the test VM after run-in-vm ran them with the
# defaults. TAP output: the reloads as comments, then the harness's own.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
ko=$top/build/vm/klwm2m.ko
param=/sys/module/klwm2m/parameters/sysfs_values

# Leaves an object with values in the store, then reloads klwm2m.ko with
# ARGS: the unload takes a populated tree down.
reload() {
	"$top/build/selftest-helpers/sysfs-leave" &&
		rmmod klwm2m && insmod "$ko" "$@"
}

if ! out=$(reload sysfs_values=0 2>&1) || [ "$(cat $param 2>/dev/null)" != N ]; then
	echo "TAP version 13"
	echo "1..1"
	echo "not ok 1 sysfs: klwm2m.ko reloads with sysfs_values=0"
	printf '%s\n' "$out" | sed 's/^/# /'
	exit 1
fi
echo "# klwm2m.ko reloaded with sysfs_values=0"
"$top/build/selftests/sysfs"
rc=$?
if ! out=$(reload 2>&1); then
	echo "# reloading klwm2m.ko with its defaults failed:"
	printf '%s\n' "$out" | sed 's/^/# /'
	rc=1
fi
exit $rc
