#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# 1. Renders the mixin with tests/mixin/nondefault.libsonnet (every _config
#    key and every alert's `for` away from its default), then: promtool check
#    rules on the rules file, promtool parses every dashboard query
#    (tests/dashboards/promtool_queries.py), the Alertmanager example passes
#    tests/replay/check_alertmanager_example.sh, and tests/mixin/config_check.py
#    proves each key reaches the output (one assertion per key at least).
# 2. On the default render, EACH of those assertions must fail on its own.
# 3. Mistakes fail the render with a message naming the key: every case in
#    tests/mixin/bad_configs.txt.
#
# Exit status: 0 good, 1 a check failed, 77 jsonnet/promtool missing.
set -euo pipefail
# shellcheck source=tests/stack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../stack/lib.sh"
cd "$(dirname "$0")/../.."
require_tools jsonnet:jsonnet promtool:prometheus python3:python3

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
jsonnet tests/mixin/nondefault.libsonnet >"$tmp/nd.json"
jsonnet -J . -e "(import 'mixin/config.libsonnet')._config" >"$tmp/def.json"
mixin/render.sh -o "$tmp/nd" -c tests/mixin/nondefault.libsonnet
promtool check rules "$tmp/nd/rules/prometheus/ctwatch.rules.yml"
python3 tests/dashboards/promtool_queries.py "$tmp/nd"/dashboards/*.json
if command -v amtool >/dev/null; then
  bash tests/replay/check_alertmanager_example.sh "$tmp/nd/rules/alertmanager/alertmanager.example.yml" \
    "$tmp/nd/rules/prometheus/ctwatch.rules.yml" >"$tmp/am.log" 2>&1 ||
    { cat "$tmp/am.log" >&2; echo "FAIL: the multi-cluster Alertmanager example does not pass check_alertmanager_example.sh" >&2; status=1; }
  tail -n 1 "$tmp/am.log"
fi
python3 tests/mixin/config_check.py "$tmp/nd" "$tmp/nd.json" "$tmp/def.json" || status=1

echo "+ each assertion on the default render must fail"
mixin/render.sh -o "$tmp/def"
python3 tests/mixin/config_check.py --on-default "$tmp/def" "$tmp/nd.json" "$tmp/def.json" || status=1

echo "+ mistakes fail the render, naming the key (tests/mixin/bad_configs.txt)"
n=0
while IFS=$'\t' read -r config want; do
  [[ -z $config || $config == \#* ]] && continue
  n=$((n + 1))
  printf '%s\n' "$config" >"$tmp/bad.libsonnet"
  if (cd mixin && jsonnet -S -m "$tmp" --tla-str part=text --tla-code-file "config=$tmp/bad.libsonnet" render.jsonnet) \
    >/dev/null 2>"$tmp/err"; then
    echo "FAIL: $config renders (rc 0), want an error with: $want" >&2
    status=1
  elif ! grep -qF -- "$want" "$tmp/err"; then
    echo "FAIL: $config fails, but not with: $want" >&2
    head -n 3 "$tmp/err" >&2
    status=1
  else
    echo "ok: $config -> $(grep -F -- "$want" "$tmp/err" | head -n 1 | sed 's/^ *//')"
  fi
done <tests/mixin/bad_configs.txt
((n >= 10)) || { echo "FAIL: only $n bad configs" >&2; status=1; }
exit $status
