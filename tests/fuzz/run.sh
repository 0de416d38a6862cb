#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Builds the decoder fuzz target with clang + libFuzzer + ASan/UBSan in its
# own build dir and fuzzes for a bounded time, seeded with the captured
# netlink bytes and /proc fixtures. New interesting inputs go to
# tests/fuzz/corpus (commit them: they replay under ctest). Exit non-zero on
# any crash, leak or sanitizer report.
#   tests/fuzz/run.sh [SECONDS]      (default 60)
#   tests/fuzz/run.sh --build-only   (CI builds it while the tests run)
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-60}
build=${CTWATCH_FUZZ_BUILD_DIR:-build-fuzz}
command -v clang++ >/dev/null || { echo "fuzz: clang++ missing (apt install clang libclang-rt-14-dev)"; exit 1; }
CXX=clang++ cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCTWATCH_FUZZ=ON \
  -DCTWATCH_BUILD_TESTS=ON >/dev/null
cmake --build "$build" -j"$(nproc)" --target fuzz_decode >/dev/null
[[ $seconds == --build-only ]] && exit 0
seeds=$(mktemp -d)
trap 'rm -rf "$seeds"' EXIT
cp tests/data/netlink/*.bin "$seeds/"
find tests/data/proc -type f ! -name '*.md' -exec sh -c 'cp "$1" "$2/proc-$(echo "$1" | tr / _)"' _ {} "$seeds" \;
mkdir -p tests/fuzz/corpus
"$build/tests/fuzz_decode" -max_total_time="$seconds" -max_len=8192 -timeout=5 \
  -print_final_stats=1 tests/fuzz/corpus "$seeds" 2>&1 | tail -25
