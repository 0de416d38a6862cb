#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Checks and unit-tests the ctwatch Prometheus alerting rules with promtool.
#
#   tests/rules/run.sh          (from anywhere; it cds to the repository root)
#
# Exit status: 0 all good, 1 a check or a test failed, 77 promtool is not
# installed (the automake/ctest "skipped" code) -- 1 instead with
# CTWATCH_REQUIRE_KERNEL=1, so CI cannot lose the promtool cases to a skip.
# On Debian promtool comes with the `prometheus` package.
set -euo pipefail
# skip, require_tools: the skip convention shared by the test scripts.
# shellcheck source=tests/stack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../stack/lib.sh"

cd "$(dirname "$0")/../.."

rules=rules/prometheus/ctwatch.rules.yml
test_dir=rules/prometheus/tests

require_tools promtool:prometheus

echo "== $(promtool --version 2>&1 | head -n 1)"

echo "+ promtool check rules $rules"
promtool check rules "$rules"

shopt -s nullglob
tests=("$test_dir"/*.test.yml)
shopt -u nullglob
if ((${#tests[@]} == 0)); then
    echo "tests/rules/run.sh: no test files in $test_dir" >&2
    exit 1
fi

# One promtool run per file, so a failure names its file and the summary
# counts files; the result is the same as a single
# `promtool test rules rules/prometheus/tests/*.test.yml`.
passed=0
failed=0
failed_files=()
for t in "${tests[@]}"; do
    echo "+ promtool test rules $t"
    if promtool test rules "$t"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        failed_files+=("$t")
    fi
done

if ((failed > 0)); then
    echo "Failed rule test files:" >&2
    printf '  %s\n' "${failed_files[@]}" >&2
fi
echo "rules: $passed passed, $failed failed"
((failed == 0))
