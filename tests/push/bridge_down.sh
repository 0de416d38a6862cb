#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The Alertmanager bridge with Alertmanager down, then up (issue 21), and
# the collectd-only path: the threshold plugin's notification for plugin
# ctwatch (rules/collectd/ctwatch-thresholds.conf's percent/used block,
# here with FailureMin 1000 so that it fires at once) becomes the alert
# ConntrackTableNearlyFull with the rules' labels -- no Prometheus anywhere.
#
#   bridge_down.sh PLUGIN_SO [-k]
#
#   1. collectd (Interval 1) + ctwatch with <Alertmanager> URL pointing at a
#      free loopback port where nothing listens (connection refused), the
#      threshold plugin and the load plugin;
#   2. for 12 s: the failure is logged exactly once (retries every 1, 2, 4,
#      8 s are silent), and collectd's reads go on every second: ctwatch's
#      entries and load's shortterm keep fresh timestamps in
#      write_prometheus, whatever the bridge does;
#   3. Alertmanager starts on that very port: the alert arrives (the backoff
#      retry, <= 16 s), "accepts alerts again (recovered after N s)" is
#      logged once, the failure line is still the only one, and the page
#      reaches the webhook receiver through the example's routing.
#
# Exit 0 pass, 1 fail, 77 skip (not root, tools missing). No global state
# is changed (no sysctl, no namespace); about 40 s.
# shellcheck disable=SC2034  # STACK_* settings are read by tests/stack/lib.sh
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
readonly HERE REPO
# shellcheck source=tests/stack/lib.sh
source "$REPO/tests/stack/lib.sh"

PLUGIN_SO=${1:-}
[[ ${2:-} == -k ]] && STACK_KEEP=1
[[ -f $PLUGIN_SO ]] || { echo "usage: bridge_down.sh PLUGIN_SO [-k]" >&2; exit 1; }
PLUGIN_SO=$(realpath "$PLUGIN_SO")
STACK_HOSTNAME=ctwatch-bridge
STACK_INTERVAL=1
START=$SECONDS
stack_require_root
stack_require_cmds curl:curl python3:python3 ss:iproute2
stack_require_collectd
stack_require_alertmanager
for p in threshold load; do
  [[ -f $COLLECTD_LIBDIR/$p.so ]] || stack_skip "collectd's $p plugin is missing ($COLLECTD_LIBDIR/$p.so)"
done
stack_init
FAILS=0
bad() { printf 'FAIL: %s\n' "$*" >&2; FAILS=$((FAILS + 1)); }
good() { printf 'ok:   %s\n' "$*"; }

AM_PORT=$(stack_free_port)
AM_URL=http://127.0.0.1:$AM_PORT
mkdir -p "$STACK_DIR/plugins"
cp -f "$COLLECTD_LIBDIR/threshold.so" "$COLLECTD_LIBDIR/load.so" "$STACK_DIR/plugins/"
STACK_COLLECTD_EXTRA_CONF="LoadPlugin load
LoadPlugin threshold
<Plugin threshold>
  <Plugin \"ctwatch\">
    <Type \"percent\">
      Instance \"used\"
      FailureMin 1000
      Persist false
    </Type>
  </Plugin>
</Plugin>"
stack_collectd "$PLUGIN_SO" "  <Alertmanager>
    URL \"$AM_URL\"
    Timeout 2
  </Alertmanager>"
LOG=$STACK_DIR/collectd.log
failed_lines() { grep -c "Alertmanager $AM_URL failed" "$LOG" || true; }

# ts METRIC_REGEX: the timestamp (ms) write_prometheus gives the series.
ts() { stack_scrape | awk -v re="$1" '$0 ~ re && !done { print $NF; done = 1 }'; }

for ((i = 0; i < 40; i++)); do
  [[ $(failed_lines) -ge 1 ]] && break
  sleep 0.25
done
line=$(grep -m1 "Alertmanager $AM_URL failed" "$LOG" || true)
[[ -n $line ]] && good "Alertmanager down is logged: ${line#*] }" || bad "no failure line for $AM_URL in collectd.log"
a1=$(ts '^collectd_ctwatch_conntrack\{.*type="entries"') l1=$(ts '^collectd_load_shortterm')
sleep 12
a2=$(ts '^collectd_ctwatch_conntrack\{.*type="entries"') l2=$(ts '^collectd_load_shortterm')
n=$(failed_lines)
((n == 1)) && good "logged once in 12 s of retries" || bad "the failure was logged $n times in 12 s, not once"
for pair in "ctwatch entries:$a1:$a2" "load shortterm:$l1:$l2"; do
  IFS=: read -r what x y <<<"$pair"
  if [[ -n $x && -n $y ]] && ((y - x >= 10000)); then
    good "collectd's reads go on while Alertmanager is down: $what $(((y - x) / 1000)) s newer after 12 s"
  else
    bad "$what did not advance while Alertmanager was down ($x -> $y)"
  fi
done

# Alertmanager comes up on that port.
stack_webhook_receiver "$STACK_DIR/webhook.jsonl"
python3 "$REPO/tests/replay/make_test_alertmanager.py" "$REPO/rules/alertmanager/alertmanager.example.yml" \
  --webhook "$STACK_WEBHOOK_URL" --keep-timers >"$STACK_DIR/alertmanager.yml" || stack_die "make_test_alertmanager.py failed"
STACK_ALERTMANAGER_PREFERRED_PORT=$AM_PORT
t_up=$SECONDS
stack_alertmanager "$STACK_DIR/alertmanager.yml"
[[ $STACK_ALERTMANAGER_PORT == "$AM_PORT" ]] || stack_die "Alertmanager did not get port $AM_PORT (taken meanwhile?)"
got=""
for ((i = 0; i < 100; i++)); do
  got=$(stack_am_alerts | python3 -c '
import json, sys
for a in json.load(sys.stdin):
    l = a["labels"]
    if l.get("alertname") == "ConntrackTableNearlyFull" and l.get("ctwatch") == "host":
        print(json.dumps(l, sort_keys=True)); break' || true)
  [[ -n $got ]] && break
  sleep 0.2
done
if [[ -n $got ]]; then
  good "the alert reached Alertmanager $((SECONDS - t_up)) s after it came up: $got"
  [[ $got == '{"alertname": "ConntrackTableNearlyFull", "ctwatch": "host", "instance": "ctwatch-bridge", "severity": "critical"}' ]] ||
    bad "labels are not the rules' (alertname, ctwatch, instance, severity): $got"
else
  bad "the alert never reached Alertmanager after it came up"
fi
for ((i = 0; i < 20; i++)); do grep -q "Alertmanager $AM_URL accepts alerts again" "$LOG" && break; sleep 0.25; done
rec=$(grep -c "Alertmanager $AM_URL accepts alerts again" "$LOG" || true)
((rec == 1)) && good "recovery logged once: $(grep -m1 "accepts alerts again" "$LOG" | sed 's/.*\] //')" ||
  bad "recovery logged $rec times, not once"
n=$(failed_lines)
((n == 1)) || bad "the failure was logged $n times in all, not once"
# The page through the example's routing (critical group_wait 10 s).
for ((i = 0; i < 80; i++)); do grep -q '"/pager"' "$STACK_WEBHOOK_FILE" 2>/dev/null && break; sleep 0.25; done
grep -q '"/pager"' "$STACK_WEBHOOK_FILE" && good "the threshold plugin's notification paged (receiver pager), no Prometheus" ||
  bad "no page at the receiver"
grep -E 'page notification failed|Alertmanager bridge: .*exception' "$LOG" && bad "errors in collectd.log (above)"
((FAILS == 0)) || { printf 'FAIL: bridge_down (%d s)\n' "$((SECONDS - START))" >&2; exit 1; }
printf 'PASS: bridge_down (%d s)\n' "$((SECONDS - START))"
