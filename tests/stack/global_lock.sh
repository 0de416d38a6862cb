#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# global_lock.sh CMD [ARG...]: runs CMD holding the machine-wide lock of
# tests/stack/lib.sh (stack_global_lock: /run/ctwatch-global.lock, or
# $CTWATCH_GLOBAL_LOCK), for the kernel test binaries that change a global
# sysctl: two checkouts on one machine never interleave them. CMD inherits
# the locked descriptor, so the lock lasts exactly as long as CMD. Where the
# lock file cannot be made (not root), CMD runs without it: it skips there.
set -euo pipefail
# shellcheck source=tests/stack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
if [[ -w $(dirname "$CTWATCH_GLOBAL_LOCK") || -w $CTWATCH_GLOBAL_LOCK ]]; then
  stack_global_lock
fi
exec "$@"
