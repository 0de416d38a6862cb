#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The README's demo: the incident (../shared/seed/incident-story.txt),
# replayed on this machine in about two minutes, with the real alert path.
#
#   sudo ./scripts/demo.sh               # DEMO_SECONDS=150 by default
#   sudo DEMO_SECONDS=0 ./scripts/demo.sh  # until Ctrl-C (Prometheus stays up for Grafana)
#   sudo DEMO_PRODUCTION=1 ./scripts/demo.sh  # at production settings (below)
#
# It installs what it needs (scripts/install-deps.sh), builds ctwatch in
# build/, then starts, all on 127.0.0.1 (tests/stack/lib.sh):
#   collectd + ctwatch.so + write_prometheus  ->  Prometheus with the alert
#   rules  ->  Alertmanager routing like rules/alertmanager/alertmanager.example.yml
#   ->  a local webhook receiver (instead of PagerDuty / Slack / tickets)
# and a throwaway network namespace "demo" with 40 % long-lived connections
# and a chatty client that opens short-lived TCP connections without
# pooling, each leaving a TIME_WAIT entry for 120 s. To make a table fill in
# a minute, the GLOBAL nf_conntrack_max is lowered (to 4000, or 3 x the
# entries this host's own table holds, whichever is larger) and restored
# when the demo ends (Ctrl-C included); the rules' `for:` durations are
# divided by 12 (1m -> 5s) in a generated copy.
#
# You see, every 2 s, the namespace's fill level, TCP states and drops as
# Prometheus has them, and every notification Alertmanager delivers:
#   ~ +40 s  ConntrackTableNearlyFull pages (critical) -- before any drop
#   ~ +48 s  the table is full; the kernel drops new connections
#   ~ +52 s  ConntrackPacketsDropped pages
#   DEMO_FIX_AT (default +100 s): the incident's fix -- nf_conntrack_max back
#            up, the namespace's nf_conntrack_tcp_timeout_time_wait 120 -> 30 s;
#            the NearlyFull page resolves (ConntrackPacketsDropped stays
#            active for the 5 minutes of its increase() window).
#            DEMO_FIX_AT=0: never.
# Ctrl-C (or DEMO_SECONDS) ends it and removes everything it started.
#
# DEMO_PRODUCTION=1: collectd Interval 10, Prometheus scrape and evaluation
# every 15 s, the rules and the example Alertmanager's timers as shipped,
# nf_conntrack_max 40000 (30 % long-lived connections to 30 services, then
# 250 new connections/s), CensusInterval 300: ConntrackTableFillingFast pages
# about a minute before the first drop, and collectd's log has the census
# taken at that moment (`grep 'census at once' $STACK_DIR/collectd.log`).
# DEMO_SECONDS defaults to 240 and DEMO_FIX_AT to 180 there.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
readonly ROOT
production=${DEMO_PRODUCTION:-0}
if ((production)); then
  seconds=${DEMO_SECONDS:-240}
  fix_at=${DEMO_FIX_AT:-180}
else
  seconds=${DEMO_SECONDS:-150}
  fix_at=${DEMO_FIX_AT:-100}
fi
[[ $seconds =~ ^[0-9]+$ && $fix_at =~ ^[0-9]+$ ]] || { echo "demo: DEMO_SECONDS and DEMO_FIX_AT are whole seconds" >&2; exit 1; }

if [[ $(id -u) -ne 0 ]]; then echo "demo: run as root (namespaces, ctnetlink, nf_conntrack_max)" >&2; exit 1; fi
./scripts/install-deps.sh
echo "demo: building ctwatch in build/"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target ctwatch ctwatch-fill >/dev/null

# shellcheck disable=SC2034  # STACK_* settings are read by tests/stack/lib.sh
{
  STACK_HOSTNAME=$(hostname)
  STACK_INTERVAL=1
  if ((production)); then STACK_INTERVAL=10 STACK_SCRAPE_INTERVAL=15s STACK_EVAL_INTERVAL=15s; fi
  STACK_PROMETHEUS_PREFERRED_PORT=${DEMO_PROMETHEUS_PORT:-19090}
  STACK_ALERTMANAGER_PREFERRED_PORT=${DEMO_ALERTMANAGER_PORT:-19093}
  STACK_LOGS_ON_SIGNAL=0             # Ctrl-C is the normal way out, not a failure
}
# shellcheck source=tests/stack/lib.sh
source "$ROOT/tests/stack/lib.sh"
readonly REPLAY=$ROOT/tests/replay NS_LABEL=demo SYSCTL_MAX=/proc/sys/net/netfilter/nf_conntrack_max

stack_require_cmds ip:iproute2 nft:nftables ss:iproute2 curl:curl python3:python3 conntrack:conntrack promtool:prometheus
stack_require_collectd
stack_require_prometheus
stack_require_alertmanager
[[ -w $SYSCTL_MAX ]] || { echo "demo: $SYSCTL_MAX is not writable (run in the initial network namespace)" >&2; exit 1; }

stack_global_lock   # waits while a test holds nf_conntrack_max lowered; held until the demo ends
orig_max=$(cat "$SYSCTL_MAX")
if ((orig_max < 16384)); then
  echo "demo: nf_conntrack_max is $orig_max: lowered by something that does not take $CTWATCH_GLOBAL_LOCK?" >&2
  exit 1
fi
host_count=$(cat /proc/sys/net/netfilter/nf_conntrack_count)
limit=$(((host_count * 3 + 999) / 1000 * 1000))
min_limit=4000 prefill_pct=40 ports=1 sources=1 for_scale=12 census="  CensusInterval 2
  CensusBudget 50"
if ((production)); then min_limit=40000 prefill_pct=30 ports=30 sources=300 for_scale=1 census="  CensusInterval 300"; fi
((limit >= min_limit)) || limit=$min_limit
((limit < orig_max)) || { echo "demo: this host's table ($host_count entries) is too busy to lower nf_conntrack_max safely" >&2; exit 1; }
prefill=$((limit * prefill_pct / 100))
rate=$((limit / 80))                 # 80 % at ~32 s, full at ~48 s
((production)) && rate=$((limit / 160))   # 50 % at ~32 s, full at ~112 s
live_pid=""

stack_init
# shellcheck disable=SC2016 # expanded when the hook runs
stack_on_cleanup '[[ -z $live_pid ]] || kill "$live_pid" 2>/dev/null; echo "demo: cleaning up (processes, namespace, $STACK_DIR)"'

python3 "$REPLAY/make_test_rules.py" rules/prometheus/ctwatch.rules.yml --for-scale "$for_scale" \
  >"$STACK_DIR/ctwatch.rules.test.yml" 2>/dev/null
stack_webhook_receiver "$STACK_DIR/webhook.jsonl"
am_timers=(--group-wait 1s --group-interval 2s --repeat-interval 10m)
((production)) && am_timers=(--keep-timers)
python3 "$REPLAY/make_test_alertmanager.py" rules/alertmanager/alertmanager.example.yml \
  --webhook "$STACK_WEBHOOK_URL" "${am_timers[@]}" >"$STACK_DIR/alertmanager.yml"
stack_alertmanager "$STACK_DIR/alertmanager.yml"
stack_netns "$NS_LABEL"
stack_collectd "$ROOT/build/plugin/ctwatch.so" "  Census true
$census
  Namespace \"$NS_LABEL\" \"$(stack_ns_path "$NS_LABEL")\"
  NamespaceCensus true"
stack_prometheus "$STACK_DIR/ctwatch.rules.test.yml"

cat <<EOF

demo: the stack is up (everything on 127.0.0.1; files in $STACK_DIR)
  collectd metrics  $STACK_COLLECTD_URL
  Prometheus        $STACK_PROMETHEUS_URL   (alerts: $STACK_PROMETHEUS_URL/alerts)
  Alertmanager      $STACK_ALERTMANAGER_URL
  Grafana dashboards: Dashboards -> New -> Import -> upload
      $ROOT/dashboards/ctwatch-host.json
      $ROOT/dashboards/ctwatch-fleet.json
    with a Prometheus data source whose URL is $STACK_PROMETHEUS_URL
    (Grafana elsewhere: ssh -L $STACK_PROMETHEUS_PORT:127.0.0.1:$STACK_PROMETHEUS_PORT root@this-host);
    instance = $STACK_HOSTNAME, namespace = $NS_LABEL. It stays up while the demo
    runs: DEMO_SECONDS=0 keeps it until Ctrl-C.

demo: lowering the global nf_conntrack_max $orig_max -> $limit (restored at the end);
      $prefill long-lived connections, then a chatty client: $rate new connections/s, no pooling
EOF
stack_sysctl_set "$SYSCTL_MAX" "$limit"
stack_ns_spawn ctmon "$NS_LABEL" python3 "$REPLAY/ctmon.py" --out "$STACK_DIR/kernel.jsonl"
for ((p = 0; p < ports; p++)); do
  stack_ns_exec "$NS_LABEL" build/tools/ctwatch-fill/ctwatch-fill --quiet --timeout 3600 --dport $((9000 + p)) \
    --src-count "$sources" "tcp:ESTABLISHED=$((prefill / ports))"
done
stack_ns_spawn server "$NS_LABEL" python3 "$REPLAY/chatty.py" server --port 8080
sleep 0.5
stack_ns_spawn client "$NS_LABEL" python3 "$REPLAY/chatty.py" client --port 8080 --rate "$rate"
t0=$(date +%s.%N)
echo "demo: time +0 s = the chatty client starts; pages show as '>>> receiver FIRING ...'"
echo

# In the background + wait: a signal to this script (Ctrl-C, kill) then
# interrupts the wait at once and runs the cleanup, which stops the viewer.
show_live() {  # UNTIL (unix time, 0 = forever) SINCE
  python3 "$REPLAY/watch.py" --prometheus "$STACK_PROMETHEUS_URL" --webhook "$STACK_WEBHOOK_FILE" \
    --ns-label "$NS_LABEL" --t0 "$t0" --until "$1" --since "$2" --every 2 &
  live_pid=$!
  wait "$live_pid" || true
  live_pid=""
}
at() { awk -v t="$t0" -v d="$1" 'BEGIN { printf "%.3f", t + d }'; }
end=0
((seconds == 0)) || end=$(at "$seconds")
since=$t0
if ((fix_at > 0 && (seconds == 0 || fix_at < seconds))); then
  show_live "$(at "$fix_at")" "$since"
  since=$(at "$fix_at")
  echo
  echo "demo: the fix from the story: nf_conntrack_max back to $orig_max, and in the namespace"
  echo "      nf_conntrack_tcp_timeout_time_wait 120 -> 30 s (entries already in TIME_WAIT keep their 120 s)"
  stack_sysctl_restore
  stack_ns_exec "$NS_LABEL" sysctl -qw net.netfilter.nf_conntrack_tcp_timeout_time_wait=30 || true
  echo
fi
show_live "$end" "$since"

echo
python3 "$REPLAY/judge.py" --recap --webhook "$STACK_WEBHOOK_FILE" --kernel "$STACK_DIR/kernel.jsonl" \
  --prometheus "$STACK_PROMETHEUS_URL" --t0 "$t0" --ns-label "$NS_LABEL" --instance "$STACK_HOSTNAME" \
  --limit "$limit" --pages ConntrackTableFillingFast,ConntrackTableNearlyFull --census-window 10m \
  --collectd-log "$STACK_DIR/collectd.log" 2>/dev/null || true
