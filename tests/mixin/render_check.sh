#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The committed rules, PrometheusRule and dashboards are exactly what the
# mixin renders with its default _config (mixin/render.sh), the hand-made
# YAML of the rules file parses to the same rules as jsonnet's own JSON, and
# promtool accepts the rules and the PrometheusRule's spec.
#
# Exit status: 0 good, 1 a difference (run mixin/render.sh and commit), 77
# jsonnet or promtool missing (1 with CTWATCH_REQUIRE_KERNEL=1).
set -euo pipefail
# shellcheck source=tests/stack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../stack/lib.sh"
cd "$(dirname "$0")/../.."
require_tools jsonnet:jsonnet promtool:prometheus python3:python3

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
CTWATCH_MIXIN_RULES_JSON=$tmp/rules.json mixin/render.sh -o "$tmp/out"

status=0
for f in rules/prometheus/ctwatch.rules.yml rules/prometheus/ctwatch.prometheusrule.yaml \
         dashboards/ctwatch-host.json dashboards/ctwatch-fleet.json; do
  if diff -u "$f" "$tmp/out/$f" >"$tmp/diff"; then
    echo "ok: $f is what the mixin renders"
  else
    echo "FAIL: $f differs from the mixin's render (edit mixin/, run mixin/render.sh, commit both):" >&2
    head -n 40 "$tmp/diff" >&2
    status=1
  fi
done
# Every dashboard the mixin renders is committed, and no other.
rendered=$(cd "$tmp/out/dashboards" && ls)
committed=$(cd dashboards && ls ./*.json | sed 's|^\./||')
if [[ $rendered != "$committed" ]]; then
  echo "FAIL: dashboards/ holds [$committed], the mixin renders [$rendered]" >&2
  status=1
fi

python3 - "$tmp/rules.json" rules/prometheus/ctwatch.rules.yml rules/prometheus/ctwatch.prometheusrule.yaml "$tmp/spec.yml" <<'PY' || status=1
import json, sys, yaml
ref = json.load(open(sys.argv[1]))
rules = yaml.safe_load(open(sys.argv[2]))
if rules != ref:
    sys.exit("FAIL: the rules file's YAML (mixin/lib/yaml.libsonnet) does not parse to the mixin's rules")
pr = yaml.safe_load(open(sys.argv[3]))
if pr.get("kind") != "PrometheusRule" or pr.get("apiVersion") != "monitoring.coreos.com/v1":
    sys.exit("FAIL: the PrometheusRule manifest has no kind/apiVersion")
if pr["spec"] != ref:
    sys.exit("FAIL: the PrometheusRule's spec differs from the rules file")
yaml.safe_dump(pr["spec"], open(sys.argv[4], "w"))
n = sum(len(g["rules"]) for g in ref["groups"])
print(f"ok: rules file and PrometheusRule parse to the same {n} rules")
PY
promtool check rules rules/prometheus/ctwatch.rules.yml "$tmp/spec.yml" || status=1
exit $status
