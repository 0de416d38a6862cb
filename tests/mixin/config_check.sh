#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Renders the mixin with a non-default _config (tests/mixin/nondefault.libsonnet:
# fillPageRatio 0.9, a job="x" selector, a runbook pattern, multi-cluster on
# with clusterLabel k8s_cluster, ...), then: promtool check rules on the rules
# file, promtool parses every dashboard query (tests/dashboards/promtool_queries.py),
# and tests/mixin/config_check.py proves each key reaches the output.
# Then the same targeted checks must FAIL on the default render (so they can fail).
#
# Exit status: 0 good, 1 a check failed, 77 jsonnet/promtool missing.
set -euo pipefail
# shellcheck source=tests/stack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../stack/lib.sh"
cd "$(dirname "$0")/../.."
require_tools jsonnet:jsonnet promtool:prometheus python3:python3

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mixin/render.sh -o "$tmp/nd" -c tests/mixin/nondefault.libsonnet
promtool check rules "$tmp/nd/rules/prometheus/ctwatch.rules.yml"
python3 tests/dashboards/promtool_queries.py "$tmp/nd"/dashboards/*.json
python3 tests/mixin/config_check.py "$tmp/nd"

echo "+ the same assertions on the default render must fail"
mixin/render.sh -o "$tmp/def"
if python3 tests/mixin/config_check.py "$tmp/def" 2>"$tmp/err"; then
  echo "FAIL: config_check.py passes on the default render: it checks nothing" >&2
  exit 1
fi
echo "ok: default render fails $(grep -c '^FAIL' "$tmp/err") assertions, as it should"
