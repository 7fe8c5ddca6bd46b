#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The kernel's own netlink client (tools/net/ynl), driven only by our YAML
# spec, against the loaded module: an independent reading of the ABI.
# TAP output. Needs KLWM2M_KTREE (set by tests/qemu/run).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
echo "TAP version 13"
echo "1..3"
if [ -z "${KLWM2M_KTREE:-}" ] || [ ! -f "$KLWM2M_KTREE/tools/net/ynl/cli.py" ]; then
	echo "not ok 1 - ynl: the kernel tree's ynl client is available (KLWM2M_KTREE='${KLWM2M_KTREE:-}')"
	echo "not ok 2 - ynl: info through ynl matches klwm2mctl"
	echo "not ok 3 - ynl: an object defined through ynl is dumped back"
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

# Define, create, read back: the request and reply layouts of the spec, in a
# netns of its own so that the rest of the run does not see the object.
def='{"id": 42000, "name": "Ynl", "flags": ["multiple"], "mode": 420,
      "res": [{"id": 1, "name": "Count", "type": "integer", "ops": ["read", "write"]},
              {"id": 0, "name": "Go", "type": "none", "ops": ["execute"]}]}'
# shellcheck disable=SC2016 # expanded by the inner shell
if out=$(unshare -n bash -c '
	set -e
	ynl() { python3 "$KLWM2M_KTREE/tools/net/ynl/cli.py" --no-schema --spec "$0" --output-json "$@"; }
	ynl --do obj-define --json "$1" >/dev/null
	ynl --do inst-create --json "{\"obj\": 42000}" >/dev/null
	ynl --dump obj-get' "$top/uapi/linux/klwm2m.yaml" "$def" 2>&1) &&
   check=$(python3 - "$out" 2>&1 <<'PY'
import json, sys
objs = json.loads(sys.argv[1])
assert len(objs) == 1, objs
o = objs[0]
assert (o["id"], o["name"], o["version"], o["instances"], o["mode"]) == (42000, "Ynl", "1.0", 1, 420), o
assert [r["id"] for r in o["res"]] == [0, 1], o["res"]
assert o["res"][1]["type"] == "integer" and o["res"][0]["ops"] == ["execute"], o["res"]
PY
); then
	echo "ok 3 - ynl: an object defined through ynl is dumped back"
else
	echo "not ok 3 - ynl: an object defined through ynl is dumped back"
	printf '%s\n%s\n' "$out" "${check:-}" | sed 's/^/# /'
	exit 1
fi
