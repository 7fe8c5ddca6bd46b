# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the VM scripts: where the cached test kernel lives.
# Sourced, not run.

KLWM2M_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
KLWM2M_CACHE=${KLWM2M_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/klwm2m}
KLWM2M_QEMU_DIR=$KLWM2M_TOP/tests/qemu

# Bump when the way the kernel is built changes in a way the fragments do not show.
KLWM2M_KERNEL_RECIPE=1

# The cache key: Debian's source version (it moves with security updates), the
# config fragments, the recipe and the compiler that will also build the module.
kernel_key() {
	local srcver hash
	srcver=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null) || return 1
	# Only the options count: editing a comment does not rebuild the kernel.
	hash=$( { grep -hvE '^[[:space:]]*(#|$)' "$KLWM2M_QEMU_DIR/kernel.config" \
			"$KLWM2M_QEMU_DIR/debug.config"
		  echo "recipe $KLWM2M_KERNEL_RECIPE"; gcc --version | head -n 1; } |
		sha256sum | cut -c1-12)
	echo "${srcver//[~:]/_}-$hash"
}

kernel_dir() {
	local key
	key=$(kernel_key) || return 1
	echo "$KLWM2M_CACHE/kernel/$key"
}
