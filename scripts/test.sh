#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The README's test command: installs dependencies, builds, runs every test.
#   ./scripts/test.sh                 # all labels
#   ./scripts/test.sh -L unit         # extra arguments go to ctest
# Kernel and e2e tests need root; elsewhere they skip with a message, and
# CTWATCH_REQUIRE_KERNEL=1 (set by CI) turns such a skip into a failure.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
build=${CTWATCH_BUILD_DIR:-build}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE="${CMAKE_BUILD_TYPE:-RelWithDebInfo}" \
  -DPROJECT_WERROR="${PROJECT_WERROR:-ON}" ${CTWATCH_CMAKE_ARGS:-} >/dev/null
cmake --build "$build" -j"$(nproc)"
cd "$build"
ctest --output-on-failure --timeout 600 "$@"
