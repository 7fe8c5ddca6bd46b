#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The kernel's own netlink client (tools/net/ynl), driven only by our YAML
# spec, against the loaded module: an independent reading of the ABI.
# TAP output. Needs KLWM2M_KTREE (set by tests/qemu/run).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
echo "TAP version 13"
echo "1..2"
if [ -z "${KLWM2M_KTREE:-}" ] || [ ! -f "$KLWM2M_KTREE/tools/net/ynl/cli.py" ]; then
	echo "not ok 1 - ynl: the kernel tree's ynl client is available (KLWM2M_KTREE='${KLWM2M_KTREE:-}')"
	echo "not ok 2 - ynl: info through ynl matches klwm2mctl"
	exit 1
fi
ynl() {
	python3 "$KLWM2M_KTREE/tools/net/ynl/cli.py" --no-schema \
		--spec "$top/uapi/linux/klwm2m.yaml" --output-json "$@"
}
if out=$(ynl --do info 2>&1); then
	echo "ok 1 - ynl: info answers through the YAML spec"
else
	echo "not ok 1 - ynl: info answers through the YAML spec"
	printf '%s\n' "$out" | sed 's/^/# /'
	exit 1
fi
if diff_out=$(python3 - "$out" "$("$top/build/klwm2mctl" -j info)" 2>&1 <<'PY'
import json, sys
y, c = json.loads(sys.argv[1]), json.loads(sys.argv[2])
pairs = [("abi-version", "abi_version"), ("module-version", "module_version"),
         ("max-value-size", "max_value_size"), ("store-budget", "store_budget"),
         ("store-used", "store_used"), ("max-id", "max_id"), ("max-depth", "max_depth")]
bad = [(a, y.get(a), c.get(b)) for a, b in pairs if y.get(a) != c.get(b)]
assert not bad, bad
PY
); then
	echo "ok 2 - ynl: info through ynl matches klwm2mctl"
else
	echo "not ok 2 - ynl: info through ynl matches klwm2mctl"
	printf '%s\n' "$diff_out" | sed 's/^/# /'
	exit 1
fi
