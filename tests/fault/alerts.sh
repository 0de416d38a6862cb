#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# "Never silently blind", live: real collectd + ctwatch -> Prometheus with the
# shipped rules, and the faults that blind the census.
#
#   alerts.sh PLUGIN_SO SPY_SO FILL_TOOL
#
#   no_cap     collectd without CAP_NET_ADMIN: source_netlink 0, census_age
#              +Inf, ConntrackCensusStale fires.
#   dumps      the netlink spy swallows the table dumps (stats still answer):
#              census_age grows, ConntrackCensusStale fires; the dumps come
#              back: it resolves.
#   unreadable a configured Namespace that cannot be opened:
#              namespaces_unsampled 1, ConntrackNamespaceUnsampled fires.
#
# The rules are the shipped file through tests/replay/make_test_rules.py:
# every `for:` divided by 60 (5m -> 5s) and CensusStale's 900 s threshold
# made 8 s, so the test takes about a minute instead of half an hour; the
# expressions are otherwise the shipped ones. Prints each alert's timeline
# (seconds from the fault: pending, firing, resolved).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
# shellcheck source=tests/stack/lib.sh
source "$REPO/tests/stack/lib.sh"

plugin=${1:?usage: alerts.sh PLUGIN_SO SPY_SO FILL_TOOL}
spy=${2:?usage: alerts.sh PLUGIN_SO SPY_SO FILL_TOOL}
fill=${3:?usage: alerts.sh PLUGIN_SO SPY_SO FILL_TOOL}

stack_require_root
stack_require_cmds ip:iproute2 nft:nftables ss:iproute2 curl:curl python3:python3 setpriv:util-linux
stack_require_collectd
stack_require_prometheus

STACK_HOSTNAME=ctwatch-alerts
stack_init
python3 "$REPO/tests/replay/make_test_rules.py" "$REPO/rules/prometheus/ctwatch.rules.yml" --for-scale 60 \
  --replace ConntrackCensusStale '> 900' '> 8' >"$STACK_DIR/rules.yml" ||
  stack_die "cannot make the test copy of the rules"

stack_netns bh
stack_ns_exec bh "$fill" tcp:TIME_WAIT=300 udp=20 >/dev/null

t0=0
now() { date +%s.%N; }
since() { python3 -c 'import sys; print(f"{float(sys.argv[1]) - float(sys.argv[2]):.1f}")' "$(now)" "$t0"; }

# alert_state ALERT LABEL: firing | pending | none (for ctwatch=LABEL; "" =
# any), or "error" when the query failed (Prometheus's error on stderr): a
# failed query is never read as "no alert".
alert_state() {
  local sel="alertname=\"$1\""
  [[ -n $2 ]] && sel+=",ctwatch=\"$2\""
  local r
  r=$(stack_query "ALERTS{$sel}") || { echo error; return; }
  python3 -c '
import json, sys
res = json.loads(sys.stdin.read())
states = {r["metric"]["alertstate"] for r in res}
print("firing" if "firing" in states else "pending" if "pending" in states else "none")' <<<"$r"
}

# timeline NAME ALERT LABEL WANT... : waits (60 s each) for the alert to pass
# through the states WANT (pending, firing, none), printing when.
TIMELINE=()
timeline() {
  local name=$1 alert=$2 label=$3 want st i
  shift 3
  for want in "$@"; do
    for ((i = 0; i < 240; i++)); do
      st=$(alert_state "$alert" "$label")
      if [[ $st == error ]]; then
        fail "$name: the Prometheus query for $alert failed (above), waiting for '$want'"
        return 1
      fi
      # "pending" may be shorter than one poll: firing counts as past it.
      if [[ $st == "$want" || ($want == pending && $st == firing) ]]; then
        TIMELINE+=("$name: $alert ${want/none/resolved} at +$(since) s")
        log "${TIMELINE[-1]}"
        continue 2
      fi
      sleep 0.25
    done
    fail "$name: $alert never became '$want' within 60 s (state: $st)"
    return 1
  done
}

value() {  # EXPR -> value of the first sample, "" when absent, "query-failed" (never a wanted value)
  local rc=0
  stack_value "$1" || rc=$?
  ((rc != 2)) || echo query-failed
}

# ---------------------------------------------------------------- no_cap --
# The /proc fallback has counts but no census: census_age is +Inf from the
# first read.
STACK_COLLECTD_PREFIX="setpriv --inh-caps=-net_admin --bounding-set=-net_admin"
t0=$(now)
stack_collectd "$plugin" '  CensusInterval 1
  Timeout 1'
stack_prometheus "$STACK_DIR/rules.yml"
if timeline no_cap ConntrackCensusStale host pending firing; then
  src=$(value 'collectd_ctwatch_gauge{ctwatch="host",type="source_netlink"}')
  age=$(value 'collectd_ctwatch_duration_seconds{ctwatch="host",type="census_age"}')
  if [[ $src != 0 || $age != "+Inf" ]]; then
    fail "no_cap: source_netlink '$src' (want 0), census_age '$age' (want +Inf)"
  elif [[ $(grep -c 'falling back to /proc' "$STACK_DIR/collectd.log") -ne 1 ]]; then
    fail "no_cap: expected one fallback line in collectd's log"
  else
    pass "no_cap: source_netlink 0, census_age +Inf, ConntrackCensusStale firing"
  fi
fi
stack_collectd_stop || fail "no_cap: collectd did not exit 0 on SIGTERM"

# ----------------------------------------------------------------- dumps --
blackhole=$STACK_DIR/blackhole-dumps
STACK_COLLECTD_PREFIX="env LD_PRELOAD=$spy CTWATCH_SPY_BLACKHOLE_DUMPS=$blackhole"
stack_collectd "$plugin" "  CensusInterval 1
  CensusBudget 50
  Timeout 1
  Namespace \"bh\" \"$(stack_ns_path bh)\"
  NamespaceCensus true"
# Healthy first: the namespace's census is fresh and the alert is not firing
# (the host's, left firing by no_cap, resolves too now that censuses run).
for ((i = 0; i < 120; i++)); do
  age=$(value 'collectd_ctwatch_duration_seconds{ctwatch="bh",type="census_age"}')
  [[ -n $age && $age != "+Inf" ]] && python3 -c 'import sys; sys.exit(float(sys.argv[1]) >= 3)' "$age" &&
    [[ $(alert_state ConntrackCensusStale "") == none ]] && break
  sleep 0.5
done
((i < 120)) || fail "dumps: no fresh census (age '$age') or ConntrackCensusStale still active before the fault"
tw=$(value 'collectd_ctwatch_tcp_connections{ctwatch="bh",type="TIME_WAIT"}')
[[ $tw == 300 ]] || fail "dumps: the census of bh counts $tw TIME_WAIT entries, want 300"

touch "$blackhole"
t0=$(now)
if timeline dumps ConntrackCensusStale bh pending firing; then
  age=$(value 'collectd_ctwatch_duration_seconds{ctwatch="bh",type="census_age"}')
  entries=$(value 'collectd_ctwatch_conntrack{ctwatch="bh",type="entries"}')
  if ! python3 -c 'import sys; sys.exit(not 8 < float(sys.argv[1]) < 1e9)' "$age"; then
    fail "dumps: census_age '$age' while firing: want finite and > 8"
  elif [[ $entries != 320 ]]; then
    fail "dumps: entries '$entries' (want 320): the stats must keep working while dumps fail"
  else
    pass "dumps: census_age $age s and growing, entries still read ($entries), ConntrackCensusStale firing"
  fi
fi
rm -f "$blackhole"
t0=$(now)
timeline recovery ConntrackCensusStale bh none &&
  pass "recovery: the dumps answer again, ConntrackCensusStale resolved"
failed=$(grep -c 'census of namespace "bh" failed' "$STACK_DIR/collectd.log" || true)
again=$(grep -c 'census of namespace "bh" works again' "$STACK_DIR/collectd.log" || true)
if ((failed != 1 || again != 1)); then
  fail "dumps: expected one 'census ... failed' and one 'works again' line for bh, got $failed and $again"
fi
stack_collectd_stop || fail "dumps: collectd did not exit 0 on SIGTERM"

# ------------------------------------------------------------ unreadable --
STACK_COLLECTD_PREFIX=""
t0=$(now)
stack_collectd "$plugin" "  CensusInterval 1
  Namespace \"ghost\" \"/var/run/netns/ctwatch-alerts-does-not-exist-$$\""
if timeline unreadable ConntrackNamespaceUnsampled "" pending firing; then
  n=$(value 'collectd_ctwatch_gauge{ctwatch="host",type="namespaces_unsampled"}')
  s=$(value 'collectd_ctwatch_gauge{ctwatch="host",type="namespaces_sampled"}')
  if [[ $n != 1 || $s != 1 ]]; then
    fail "unreadable: namespaces_unsampled '$n' (want 1), namespaces_sampled '$s' (want 1)"
  else
    pass "unreadable: namespaces_unsampled 1, namespaces_sampled 1, ConntrackNamespaceUnsampled firing"
  fi
fi
stack_collectd_stop || fail "unreadable: collectd did not exit 0 on SIGTERM"

echo "== alert timeline (seconds from the fault; rules' for: / 60, CensusStale threshold 8 s, 1 s intervals)"
printf '  %s\n' "${TIMELINE[@]}"
echo "fault alerts: $((FAILURES == 0 ? 3 : 3 - FAILURES)) of 3 scenarios passed, $FAILURES failure(s)"
((FAILURES == 0))
