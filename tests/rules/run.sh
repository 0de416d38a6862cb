#!/usr/bin/env bash
# Checks and unit-tests the ctwatch Prometheus alerting rules with promtool.
#
#   tests/rules/run.sh          (from anywhere; it cds to the repository root)
#
# Exit status: 0 all good, 1 a check or a test failed, 77 promtool is not
# installed (the automake/ctest "skipped" code).  On Debian promtool comes with
# the `prometheus` package (apt-get install prometheus).
set -euo pipefail

cd "$(dirname "$0")/../.."

rules=rules/prometheus/ctwatch.rules.yml
test_dir=rules/prometheus/tests

if ! command -v promtool >/dev/null 2>&1; then
    echo "tests/rules/run.sh: SKIP: promtool not found in PATH." >&2
    echo "  Install it with: apt-get install prometheus   (Debian/Ubuntu)" >&2
    exit 77
fi

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
