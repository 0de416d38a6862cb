#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Renders the ctwatch monitoring mixin (mixin/) into the files that ship:
#   rules/prometheus/ctwatch.rules.yml           Prometheus / vmalert rule file
#   rules/prometheus/ctwatch.prometheusrule.yaml  Prometheus Operator PrometheusRule
#   rules/alertmanager/alertmanager.example.yml   the example Alertmanager routing
#   dashboards/ctwatch-host.json, dashboards/ctwatch-fleet.json
#
#   mixin/render.sh                       default _config, into the repository
#   mixin/render.sh -o DIR [-c FILE]      into DIR, with FILE (a jsonnet object,
#                                         e.g. { fillPageRatio: 0.9 }) merged into _config
#
# Needs only Debian's jsonnet (0.18) and python3 (to print the JSON the way
# Grafana exports it: 2-space indent, ASCII escapes, empty arrays as []).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(cd "$here/.." && pwd)
config=
while (($#)); do
  case $1 in
    -o) out=$2; shift 2 ;;
    -c) config=$(realpath "$2"); shift 2 ;;
    *) echo "usage: $0 [-o DIR] [-c CONFIG.libsonnet]" >&2; exit 2 ;;
  esac
done
command -v jsonnet >/dev/null || { echo "render.sh: jsonnet not found (apt-get install jsonnet)" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/rules/prometheus" "$tmp/rules/alertmanager" "$tmp/dashboards"
args=()
if [[ -n $config ]]; then args=(--tla-code-file "config=$config"); fi
(cd "$here" && jsonnet -S -m "$tmp" --tla-str part=text "${args[@]}" render.jsonnet >/dev/null &&
  jsonnet -m "$tmp" --tla-str part=json "${args[@]}" render.jsonnet >/dev/null)

mkdir -p "$out/rules/prometheus" "$out/rules/alertmanager" "$out/dashboards"
for f in rules/prometheus/ctwatch.rules.yml rules/prometheus/ctwatch.prometheusrule.yaml \
         rules/alertmanager/alertmanager.example.yml; do
  cp "$tmp/$f" "$out/$f"
done
for f in "$tmp"/dashboards/*.json; do
  python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(json.dumps(d, indent=2))' "$f" \
    >"$out/dashboards/$(basename "$f")"
done
# Only for the checks in mixin/tests: the rules as JSON.
[[ -n ${CTWATCH_MIXIN_RULES_JSON:-} ]] && cp "$tmp/rules.json" "$CTWATCH_MIXIN_RULES_JSON"
exit 0
