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
# Not part of CI (~10 minutes on 2 cores, ~7 GB in DIR); it measures time,
# so it waits for and holds the machine-wide bench lock (bench/lib.sh).
#
#   bench/fleet/run.sh [--hosts 2000] [--dir /var/tmp/ctwatch-fleet] [--keep] [-u|--update]
# With --keep, a second run reuses the data (and SKIP_BEFORE=1 the first table).
# publish.py checks the results (every query answered, the same series on the
# recording rules); a run at the host count docs/fleet.md's generated block
# publishes fails when a ratio (after / before, ...) is outside the block's
# tolerance; -u writes this run's times and ratios into the block instead
# (TOLERANCE and QUERY_TOLERANCE: the factors it states, see publish.py).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
. "$repo/bench/lib.sh"
hosts=2000 dir=/var/tmp/ctwatch-fleet keep=0 update=0 repeat=${REPEAT:-5}
while (($#)); do
  case $1 in
    --hosts) hosts=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    -u|--update) update=1; shift ;;
    *) echo "usage: $0 [--hosts N] [--dir DIR] [--keep] [-u|--update]" >&2; exit 2 ;;
  esac
done
for t in jsonnet promtool prometheus victoria-metrics vmalert curl python3; do
  command -v "$t" >/dev/null || { echo "run.sh: $t is not installed (scripts/install-deps.sh)" >&2; exit 1; }
done
# A timed run waits for the machine's other benchmarks; the smoke test's
# few hosts time nothing that is published or judged.
if ((hosts >= 100)); then bench_lock; fi
mkdir -p "$dir"
cd "$dir"
log() { echo "== $(date +%T) $*"; }
# Seconds since $1 (a date +%s.%N), one decimal.
since() { python3 -c "import sys; print(round($(date +%s.%N) - $1, 1))"; }
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
  rm -rf prom vm data.om data.prom vm.done rec.done setup.txt
  end=$(( $(date +%s) / 60 * 60 ))
  log "generating $hosts hosts x 2 namespaces"
  python3 "$repo/bench/fleet/gen.py" "$hosts" 70 30 "$end" data.om data.prom 2>gen.txt
  cat gen.txt >&2
  log "promtool tsdb create-blocks-from openmetrics"
  t0=$(date +%s.%N)
  promtool tsdb create-blocks-from openmetrics data.om prom >/dev/null
  echo "promtool tsdb create-blocks-from openmetrics $(since "$t0") s" >>setup.txt
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
  t0=$(date +%s.%N)
  curl -sf -T data.prom "http://127.0.0.1:$vport/api/v1/import/prometheus"
  curl -sf "http://127.0.0.1:$vport/internal/force_flush" >/dev/null
  echo "VictoriaMetrics /api/v1/import/prometheus $(since "$t0") s" >>setup.txt
  touch vm.done
fi
P=http://127.0.0.1:$pport V=http://127.0.0.1:$vport

if [[ ${SKIP_BEFORE:-0} == 1 && -s before.md ]]; then
  log "bench as shipped: kept from the previous run (before.md)"
else
  log "bench: dashboards and rules as shipped"
  python3 "$repo/bench/fleet/bench.py" --end "$end" --backend "prometheus=$P" --backend "victoriametrics=$V" \
    --dashboard "$repo/dashboards/ctwatch-fleet.json" --rules "$repo/rules/prometheus/ctwatch.rules.yml" \
    --repeat "$repeat" --json before.json | tee before.md
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
  echo "promtool tsdb create-blocks-from rules (the hour) $(since "$t0") s" >>setup.txt
  log "promtool backfilled the recording rules in $(since "$t0") s"
  stop_prom
  mv recblocks/* prom/
  start_prom
  P=http://127.0.0.1:$pport
  fmt() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
  t0=$(date +%s.%N)
  vmalert -rule=fleet.rules.yml -datasource.url="$V" -remoteWrite.url="$V" -evaluationInterval=15s \
    -datasource.queryStep=15s -replay.timeFrom="$(fmt "$start")" -replay.timeTo="$(fmt "$end")" \
    -replay.disableProgressBar -replay.rulesDelay=0 -httpListenAddr=127.0.0.1:$(port) -loggerLevel=WARN >vmalert.log 2>&1
  echo "vmalert -replay (the hour) $(since "$t0") s" >>setup.txt
  log "vmalert replayed the recording rules in $(since "$t0") s"
  sleep 5
  curl -sf "$V/internal/force_flush" >/dev/null
  touch rec.done
fi

log "bench: fleet dashboard on the recording rules (and the recording rules' own evaluation)"
python3 "$repo/bench/fleet/bench.py" --end "$end" --backend "prometheus=$P" --backend "victoriametrics=$V" \
  --dashboard rec/dashboards/ctwatch-fleet.json --rules fleet.rules.yml \
  --repeat "$repeat" --json after.json | tee after.md

# The recording rules by value: each recorded series equals the raw
# expression the fleet dashboard computes without it, on both backends, at
# three evaluations of the last 10 minutes (on the rules' 15 s grid, and
# older than VictoriaMetrics' 30 s latency offset).
log "recording rules by value against the dashboard's raw expressions"
jsonnet "$repo/mixin/rules/fleet.libsonnet" >fleet.rules.json
python3 "$repo/bench/fleet/values.py" --rules fleet.rules.json --dashboard "$repo/dashboards/ctwatch-fleet.json" \
  --backend "prometheus=$P" --backend "victoriametrics=$V" --time $((end - 600)) --time $((end - 300)) --time $((end - 120))

# Every query answered on both backends, the same series on the recording
# rules; the ratios checked against docs/fleet.md's block, or written (-u).
ver() { dpkg-query -W -f '${Version}' "$1" 2>/dev/null || echo unknown; }
meta=(--meta "date=$(date -u +%F)"
  --meta "machine=$(nproc) cores of $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(awk '/MemTotal/ {printf "%.0f GB", $2 / 1048576}' /proc/meminfo) RAM, Linux $(uname -r)"
  --meta "gen=$(sed 's/^gen: /gen.py: /' gen.txt 2>/dev/null || echo 'gen.py: not recorded')"
  --meta "versions=Prometheus $(ver prometheus), VictoriaMetrics $(ver victoria-metrics)"
  --meta "repeat=$repeat"
  --meta "setup=$(paste -sd ';' setup.txt 2>/dev/null | sed 's/;/; /g' || echo 'not recorded')")
upd=()
((update)) && upd=(--update --tolerance "${TOLERANCE:-1.35}" --query-tolerance "${QUERY_TOLERANCE:-1.7}")
python3 "$repo/bench/fleet/publish.py" --before before.json --after after.json --hosts "$hosts" \
  --doc "$repo/docs/fleet.md" "${meta[@]}" "${upd[@]}"
