#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The README's test command: installs dependencies, builds, runs every test.
#   ./scripts/test.sh                 # all labels
#   ./scripts/test.sh -L unit         # extra arguments go to ctest
# Kernel and e2e tests need root; elsewhere they skip with a message, and
# CTWATCH_REQUIRE_KERNEL=1 (set by CI) turns such a skip into a failure.
#
# Tests run in parallel: CTWATCH_TEST_JOBS (default 2 x the CPUs: most tests
# wait on timers, collectd intervals and VMs, not on the CPU). Tests that
# change a global sysctl or fill a table up to it share ctest's
# RESOURCE_LOCK nf_conntrack_max (and the machine-wide lock of
# tests/stack/lib.sh), so they still run one at a time; nothing listens on
# a fixed port. CTWATCH_NO_TESTS=1: install and build only.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
build=${CTWATCH_BUILD_DIR:-build}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE="${CMAKE_BUILD_TYPE:-RelWithDebInfo}" \
  -DPROJECT_WERROR="${PROJECT_WERROR:-ON}" ${CTWATCH_CMAKE_ARGS:-} >/dev/null
cmake --build "$build" -j"$(nproc)"
[[ ${CTWATCH_NO_TESTS:-0} == 1 ]] && exit 0
cd "$build"
ctest --output-on-failure --timeout 600 -j"${CTWATCH_TEST_JOBS:-$(($(nproc) * 2))}" "$@"
