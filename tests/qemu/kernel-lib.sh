# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the VM scripts: where the cached test (and bench) kernels live.
# Sourced, not run.

KLWM2M_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
KLWM2M_CACHE=${KLWM2M_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/klwm2m}
KLWM2M_QEMU_DIR=$KLWM2M_TOP/tests/qemu

# Bump when the way the kernel is built changes in a way the fragments do not show.
KLWM2M_KERNEL_RECIPE=1

# The kernel variants: "default", the test kernel (kernel.config and
# debug.config: KASAN, kmemleak, lockdep...), and "bench", a production-like
# kernel for the benchmark (kernel.config and bench.config, no debugging).
KLWM2M_KERNEL_VARIANTS="default bench"

# The config fragments of variant $1 (default: default), one path per line.
kernel_fragments() {
	case "${1:-default}" in
	default) printf '%s\n' "$KLWM2M_QEMU_DIR/kernel.config" "$KLWM2M_QEMU_DIR/debug.config" ;;
	bench) printf '%s\n' "$KLWM2M_QEMU_DIR/kernel.config" "$KLWM2M_QEMU_DIR/bench.config" ;;
	*) echo "unknown kernel variant '$1' (one of: $KLWM2M_KERNEL_VARIANTS)" >&2; return 1 ;;
	esac
}

# The cache key of variant $1: Debian's source version (it moves with security
# updates), the config fragments, the recipe and the compiler that will also
# build the module. A variant other than the default has its name in the key
# (and in the hashed text); the default's key is the one it always had.
kernel_key() {
	local variant=${1:-default} srcver hash frags
	frags=$(kernel_fragments "$variant") || return 1
	srcver=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null) || return 1
	# Only the options count: editing a comment does not rebuild the kernel.
	hash=$( { mapfile -t f <<<"$frags"; grep -hvE '^[[:space:]]*(#|$)' "${f[@]}"
		  [ "$variant" = default ] || echo "variant $variant"
		  echo "recipe $KLWM2M_KERNEL_RECIPE"; gcc --version | head -n 1; } |
		sha256sum | cut -c1-12)
	if [ "$variant" = default ]; then
		echo "${srcver//[~:]/_}-$hash"
	else
		echo "${srcver//[~:]/_}-$variant-$hash"
	fi
}

# The variant a cache directory (or key) $1 belongs to.
kernel_dir_variant() {
	local v name=${1##*/}
	for v in $KLWM2M_KERNEL_VARIANTS; do
		[ "$v" != default ] || continue
		case "$name" in *-"$v"-*) echo "$v"; return 0 ;; esac
	done
	echo default
}

kernel_dir() {
	local key
	key=$(kernel_key "${1:-default}") || return 1
	echo "$KLWM2M_CACHE/kernel/$key"
}
