#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The committed rules, PrometheusRule, Alertmanager example and dashboards are exactly what the
# mixin renders with its default _config (mixin/render.sh), the hand-made
# YAML of the rules file parses to the same rules as jsonnet's own JSON, and
# promtool accepts the rules and the PrometheusRule's spec, and every jsonnet
# file is formatted as jsonnetfmt formats it.
#
# Exit status: 0 good, 1 a difference (run mixin/render.sh and commit), 77
# jsonnet or promtool missing (1 with CTWATCH_REQUIRE_KERNEL=1).
set -euo pipefail
# shellcheck source=tests/stack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../stack/lib.sh"
cd "$(dirname "$0")/../.."
require_tools jsonnet:jsonnet jsonnetfmt:jsonnet promtool:prometheus python3:python3

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
CTWATCH_MIXIN_RULES_JSON=$tmp/rules.json mixin/render.sh -o "$tmp/out"

status=0
for f in rules/prometheus/ctwatch.rules.yml rules/prometheus/ctwatch.prometheusrule.yaml \
         rules/alertmanager/alertmanager.example.yml \
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

# jsonnetfmt's layout, so a diff shows only what changed (fix: jsonnetfmt -i FILE).
unformatted=()
while IFS= read -r f; do
  jsonnetfmt --test "$f" || unformatted+=("$f")
done < <(find mixin tests -name '*.libsonnet' -o -name '*.jsonnet' | sort)
if ((${#unformatted[@]})); then
  echo "FAIL: not formatted as jsonnetfmt formats them (jsonnetfmt -i FILE): ${unformatted[*]}" >&2
  status=1
else
  echo "ok: every jsonnet file is jsonnetfmt-formatted"
fi

# The dashboards' own links follow _config: the "ctwatch dashboards" list
# filters on dashboardTags; the runbook index is the directory of
# runbookURLPattern unless runbookIndexURL is set.
links() { # CONFIG EXPECTED
  local got
  got=$(cd mixin && jsonnet --tla-str part=json --tla-code "config=$1" render.jsonnet | python3 -c '
import json, sys
r = json.load(sys.stdin)
for name in ("dashboards/ctwatch-host.json", "dashboards/ctwatch-fleet.json"):
    links = {l["type"]: l for l in r[name]["links"]}
    text = r[name]["panels"][0]["options"]["content"]
    index = links["link"]["url"]
    assert "[docs/runbooks/](%s)" % index in text, name + ": the text panel links another runbook index"
    print(index, ",".join(links["dashboards"]["tags"]))' | sort -u)
  if [[ $got == "$2" ]]; then echo "ok: dashboard links with $1: $got"
  else echo "FAIL: dashboard links with $1: got [$got], expected [$2]" >&2; status=1; fi
}
links '{}' 'file:///usr/share/doc/collectd-ctwatch/runbooks/ ctwatch,conntrack'
links '{dashboardTags: ["network"], runbookURLPattern: "https://git.example.com/ct/blob/main/docs/runbooks/%s.md"}' \
  'https://git.example.com/ct/blob/main/docs/runbooks/ network'
links '{runbookURLPattern: "https://wiki.example.com/%s", runbookIndexURL: "https://wiki.example.com/Runbooks"}' \
  'https://wiki.example.com/Runbooks ctwatch,conntrack'
exit $status
