#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Fleet-scale bench: HOSTS hosts x 2 namespaces of synthetic ctwatch series
# (gen.py: 196,000 series at 2,000 hosts, 70 minutes at 30 s) backfilled into
# Prometheus (promtool tsdb create-blocks-from openmetrics) and imported into
# VictoriaMetrics; then every fleet-dashboard query and every rule expression
# is timed on both (bench.py), once with the dashboard as shipped and once
# with the recording rules of the mixin (_config.fleetRecordingRules)
# backfilled (promtool tsdb create-blocks-from rules / vmalert -replay) and
# the dashboard rendered to use them.  VictoriaMetrics runs with
# -search.disableCache (Prometheus has no result cache; a fair comparison).
# Not part of CI (~10 minutes on 2 cores, ~7 GB in
# DIR); results in docs/fleet.md.
#
#   bench/fleet/run.sh [--hosts 2000] [--dir /var/tmp/ctwatch-fleet] [--keep]
# With --keep, a second run reuses the data (and SKIP_BEFORE=1 the first table).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
hosts=2000 dir=/var/tmp/ctwatch-fleet keep=0
while (($#)); do
  case $1 in
    --hosts) hosts=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    *) echo "usage: $0 [--hosts N] [--dir DIR] [--keep]" >&2; exit 2 ;;
  esac
done
for t in jsonnet promtool prometheus victoria-metrics vmalert curl python3; do
  command -v "$t" >/dev/null || { echo "run.sh: $t is not installed (scripts/install-deps.sh)" >&2; exit 1; }
done
mkdir -p "$dir"
cd "$dir"
log() { echo "== $(date +%T) $*"; }
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  ((keep)) || rm -rf "$dir"
}
trap cleanup EXIT

if [[ ! -f data.done || $(cat data.done) != "$hosts" ]]; then
  rm -rf prom vm data.om data.prom
  end=$(( $(date +%s) / 60 * 60 ))
  log "generating $hosts hosts x 2 namespaces"
  python3 "$repo/bench/fleet/gen.py" "$hosts" 70 30 "$end" data.om data.prom
  log "promtool tsdb create-blocks-from openmetrics"
  promtool tsdb create-blocks-from openmetrics data.om prom >/dev/null
  echo "$end" >end
  echo "$hosts" >data.done
fi
end=$(cat end)

start_prom() {
  pport=$(port)
  printf 'global: {}\n' >prometheus.yml
  prometheus --config.file=prometheus.yml --storage.tsdb.path=prom --web.listen-address=127.0.0.1:$pport \
    --storage.tsdb.retention.time=30d --query.timeout=5m --log.level=warn >prometheus.log 2>&1 &
  ppid=$!; pids+=("$ppid")
  for _ in $(seq 600); do curl -sf "http://127.0.0.1:$pport/-/ready" >/dev/null && return 0; sleep 0.5; done
  echo "Prometheus did not start" >&2; exit 1
}
stop_prom() { kill "$ppid"; wait "$ppid" 2>/dev/null || true; }

log "starting Prometheus and VictoriaMetrics"
start_prom
vport=$(port)
victoria-metrics -storageDataPath=vm -httpListenAddr=127.0.0.1:$vport -retentionPeriod=1 \
  -search.maxQueryDuration=5m -search.disableCache -loggerLevel=WARN >vm.log 2>&1 &
vpid=$!; pids+=("$vpid")
for _ in $(seq 120); do curl -sf "http://127.0.0.1:$vport/health" >/dev/null && break; sleep 0.5; done
if [[ ! -f vm.done ]]; then
  log "importing into VictoriaMetrics"
  curl -sf -T data.prom "http://127.0.0.1:$vport/api/v1/import/prometheus"
  curl -sf "http://127.0.0.1:$vport/internal/force_flush" >/dev/null
  touch vm.done
fi
P=http://127.0.0.1:$pport V=http://127.0.0.1:$vport

if [[ ${SKIP_BEFORE:-0} == 1 && -s before.md ]]; then
  log "bench as shipped: kept from the previous run (before.md)"
else
  log "bench: dashboards and rules as shipped"
  python3 "$repo/bench/fleet/bench.py" --end "$end" --backend "prometheus=$P" --backend "victoriametrics=$V" \
    --dashboard "$repo/dashboards/ctwatch-fleet.json" --rules "$repo/rules/prometheus/ctwatch.rules.yml" \
    --json before.json | tee before.md
fi

log "recording rules: render with fleetRecordingRules, backfill them"
echo '{ fleetRecordingRules: true }' >rec.libsonnet
"$repo/mixin/render.sh" -o rec -c rec.libsonnet
python3 - rec/rules/prometheus/ctwatch.rules.yml fleet.rules.yml <<'PY'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
yaml.safe_dump({"groups": [g for g in doc["groups"] if g["name"] == "ctwatch.fleet"]}, open(sys.argv[2], "w"))
PY
start=$((end - 3600))
if [[ ! -f rec.done ]]; then
  rm -rf recblocks
  t0=$(date +%s.%N)
  promtool tsdb create-blocks-from rules --start "$start" --end "$end" --url "$P" \
    --output-dir recblocks --eval-interval 15s fleet.rules.yml >/dev/null
  log "promtool backfilled the recording rules in $(python3 -c "print(round($(date +%s.%N) - $t0, 1))") s"
  stop_prom
  mv recblocks/* prom/
  start_prom
  P=http://127.0.0.1:$pport
  fmt() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
  t0=$(date +%s.%N)
  vmalert -rule=fleet.rules.yml -datasource.url="$V" -remoteWrite.url="$V" -evaluationInterval=15s \
    -datasource.queryStep=15s -replay.timeFrom="$(fmt "$start")" -replay.timeTo="$(fmt "$end")" \
    -replay.disableProgressBar -replay.rulesDelay=0 -httpListenAddr=127.0.0.1:$(port) -loggerLevel=WARN >vmalert.log 2>&1
  log "vmalert replayed the recording rules in $(python3 -c "print(round($(date +%s.%N) - $t0, 1))") s"
  sleep 5
  curl -sf "$V/internal/force_flush" >/dev/null
  touch rec.done
fi

log "bench: fleet dashboard on the recording rules (and the recording rules' own evaluation)"
python3 "$repo/bench/fleet/bench.py" --end "$end" --backend "prometheus=$P" --backend "victoriametrics=$V" \
  --dashboard rec/dashboards/ctwatch-fleet.json --rules fleet.rules.yml \
  --json after.json | tee after.md

# The recording rules by value: each recorded series equals the raw
# expression the fleet dashboard computes without it, on both backends, at
# three evaluations of the last 10 minutes (on the rules' 15 s grid, and
# older than VictoriaMetrics' 30 s latency offset).
log "recording rules by value against the dashboard's raw expressions"
jsonnet "$repo/mixin/rules/fleet.libsonnet" >fleet.rules.json
python3 "$repo/bench/fleet/values.py" --rules fleet.rules.json --dashboard "$repo/dashboards/ctwatch-fleet.json" \
  --backend "prometheus=$P" --backend "victoriametrics=$V" --time $((end - 600)) --time $((end - 300)) --time $((end - 120))

# Every query answered on both backends, and the dashboard on the recording
# rules returns the same series as the one computing them (counts).
python3 - before.json after.json <<'PY'
import json, sys
before = {r["query"]: r for r in json.load(open(sys.argv[1]))}
after = json.load(open(sys.argv[2]))
bad = [f"{r['query']}: {n} failed: {r[n + '_error']}" for r in list(before.values()) + after
       for n in ("prometheus", "victoriametrics") if r.get(n) is None]
# Every dashboard query and recording rule returns series (gen.py puts a
# filling, a TIME_WAIT-dominated and a dropping namespace in any fleet): a
# comparison of 0 series with 0 series proves nothing. Alert rules may be
# empty (no alert fires); they are counted.
for r in list(before.values()) + after:
    if r["query"].startswith("rule Conntrack"):
        continue
    for n in ("prometheus", "victoriametrics"):
        if r.get(n) is not None and not r.get(n + "_series"):
            bad.append(f"{r['query']} on {n}: no series (the data must give every query something to compute)")
quiet = sorted({r["query"] for r in before.values() if r["query"].startswith("rule Conntrack") and not r.get("prometheus_series")})
print(f"bench: {len(quiet)} alert rules return no series on this data: " + ", ".join(q[5:] for q in quiet))
for r in after:
    b = before.get(r["query"])
    for n in ("prometheus", "victoriametrics"):
        if b and b.get(n + "_series") != r.get(n + "_series"):
            bad.append(f"{r['query']} on {n}: {b.get(n + '_series')} series as shipped, "
                       f"{r.get(n + '_series')} on the recording rules")
print("\n".join(bad) or "bench: every query answered; the recording rules give the same series")
sys.exit(1 if bad else 0)
PY
