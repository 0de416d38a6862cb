#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Live check of the dashboards and alert rules: every query runs against a
# real Prometheus that scrapes a real collectd + ctwatch.
#
#   validate.sh PLUGIN_SO [--fill PATH] [--dashboards DIR] [--rules FILE] [-k]
#     PLUGIN_SO     the built ctwatch.so
#     --fill PATH   ctwatch-fill (default: <build>/tools/ctwatch-fill/ctwatch-fill
#                   next to PLUGIN_SO's <build>/plugin/, or $CTWATCH_FILL)
#     --dashboards  directory of *.json to check (default: dashboards/)
#     --rules FILE  rule file loaded into Prometheus (default:
#                   rules/prometheus/ctwatch.rules.yml)
#     -k            keep the temporary directory (configs, logs, TSDB)
#
# The stack (tests/stack/lib.sh), all on 127.0.0.1:
#   * a throwaway namespace "replay" holding 870 conntrack entries made by
#     ctwatch-fill: tcp TIME_WAIT 600, ESTABLISHED 200, udp 50, unreplied
#     udp 20 (the status census and the unreplied top peers; so the
#     TIME_WAIT share, the census and every protocol/state series have data);
#   * collectd (Interval 1) with ctwatch: Namespace "replay", NamespaceCensus
#     true, CensusInterval 2, plus the host namespace it always samples;
#   * Prometheus scraping it every second (honor_labels: true) with the rules
#     loaded, evaluating every second.
# After a warm-up (>= WARMUP_SECONDS of samples, so rate(), deriv() and
# range queries over the last 15 s have data) check_queries.py runs every
# panel query (instant + range), every template variable query and every
# rule, for instance=<collectd Hostname> and namespace = "replay" and ".*"
# (All), with $__rate_interval and $__range = 1m. How "unexpectedly empty"
# is decided (allow-lists + relaxed expressions) is documented at the top of
# check_queries.py. Then --mutations breaks queries and rules in memory and
# checks that each break is reported.
#
# Exit status: 0 pass, 1 fail, 77 skip (not root, collectd / write_prometheus
# / Prometheus / nft / curl / python3 missing, no nf_conntrack);
# CTWATCH_REQUIRE_KERNEL=1 turns a skip into a failure.
#
# Safety: conntrack entries and traffic only inside the namespace it creates;
# no sysctl is changed; nothing is deleted or flushed in the root namespace.
# shellcheck disable=SC2034  # the STACK_* settings are read by tests/stack/lib.sh
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
readonly HERE REPO
# shellcheck source=tests/stack/lib.sh
source "$REPO/tests/stack/lib.sh"

readonly WARMUP_SECONDS=${WARMUP_SECONDS:-18}
readonly NS_LABEL=replay
readonly FILL_SPEC=(tcp:TIME_WAIT=600 tcp:ESTABLISHED=200 udp=50 udp:UNREPLIED=20)
STACK_HOSTNAME=ctwatch-dash
STACK_INTERVAL=1

PLUGIN_SO="" FILL=${CTWATCH_FILL:-} DASH_DIR=$REPO/dashboards RULES=$REPO/rules/prometheus/ctwatch.rules.yml

usage() {
  printf 'usage: %s PLUGIN_SO [--fill PATH] [--dashboards DIR] [--rules FILE] [-k]\n' "$(basename "$0")" >&2
  exit 1
}

while (($#)); do
  case $1 in
    --fill) FILL=${2:?}; shift ;;
    --dashboards) DASH_DIR=${2:?}; shift ;;
    --rules) RULES=${2:?}; shift ;;
    -k) STACK_KEEP=1 ;;
    -h|--help) usage ;;
    -*) printf 'unknown option %s\n' "$1" >&2; usage ;;
    *) [[ -z $PLUGIN_SO ]] || usage; PLUGIN_SO=$1 ;;
  esac
  shift
done
[[ -n $PLUGIN_SO ]] || usage
# Build products missing is a build problem, not a reason to skip.
[[ -f $PLUGIN_SO ]] || stack_die "plugin $PLUGIN_SO does not exist (build the ctwatch target first)"
if [[ -z $FILL ]]; then
  FILL=$(cd "$(dirname "$PLUGIN_SO")/.." && pwd)/tools/ctwatch-fill/ctwatch-fill
fi
[[ -x $FILL ]] || stack_die "ctwatch-fill not found at $FILL (build the ctwatch-fill target, or pass --fill)"
[[ -f $RULES ]] || stack_die "rule file $RULES does not exist"
shopt -s nullglob
DASHBOARDS=("$DASH_DIR"/*.json)
shopt -u nullglob
((${#DASHBOARDS[@]})) || stack_die "no dashboards in $DASH_DIR"

START=$SECONDS
stack_require_root
stack_require_cmds ip:iproute2 nft:nftables ss:iproute2 curl:curl python3:python3
stack_require_collectd
stack_require_prometheus

stack_init
stack_netns "$NS_LABEL"

# Fill the namespace's table. Another test may have lowered nf_conntrack_max
# for a moment (the limit is global): when the fill meets a full table
# (ctwatch-fill exit 3), wait and retry with another destination port, so
# entries from a partial attempt do not collide. Any other failure is real.
filled=0
for attempt in 1 2 3 4; do
  rc=0
  stack_ns_exec "$NS_LABEL" "$FILL" --dport $((8000 + attempt)) "${FILL_SPEC[@]}" >"$STACK_DIR/fill.log" 2>&1 || rc=$?
  if ((rc == 0)); then
    filled=1
    break
  fi
  ((rc == 3)) || stack_die "ctwatch-fill failed (exit $rc, not a full table): $(cat "$STACK_DIR/fill.log")"
  stack_log "ctwatch-fill met a full table (attempt $attempt, nf_conntrack_max=$(cat /proc/sys/net/netfilter/nf_conntrack_max)); retrying in 3 s"
  sleep 3
done
((filled)) || stack_die "ctwatch-fill failed 4 times: $(cat "$STACK_DIR/fill.log")"
stack_log "namespace $NS_LABEL: $(stack_ns_exec "$NS_LABEL" cat /proc/sys/net/netfilter/nf_conntrack_count) conntrack entries"

stack_collectd "$PLUGIN_SO" "  Census true
  CensusInterval 2
  Namespace \"$NS_LABEL\" \"$(stack_ns_path "$NS_LABEL")\"
  NamespaceCensus true
  Timeout 2"
stack_prometheus "$RULES"

# Warm-up: wait for enough history, and for the census of the namespace.
stack_wait_for "collectd_ctwatch_tcp_connections{ctwatch=\"$NS_LABEL\", type=\"TIME_WAIT\"} > 0" 20 ||
  stack_die "no TIME_WAIT census for namespace $NS_LABEL in Prometheus"
stack_wait_for "min(count_over_time(collectd_ctwatch_conntrack{type=\"entries\"}[1m])) >= $WARMUP_SECONDS" \
  $((WARMUP_SECONDS + 15)) || stack_die "Prometheus did not collect $WARMUP_SECONDS s of samples"
stack_log "warm-up done after $((SECONDS - START)) s; checking queries"

rc=0
python3 "$HERE/check_queries.py" --url "$STACK_PROMETHEUS_URL" \
  --var "instance=$STACK_HOSTNAME" --var "namespace=$NS_LABEL" \
  --rules-file "$RULES" --window 15 --rate-interval 1m --range 1m --mutations \
  "${DASHBOARDS[@]}" || rc=$?

stack_log "finished in $((SECONDS - START)) s"
if ((rc != 0)); then
  printf 'FAIL: dashboard/rule query checks failed (details above)\n' >&2
  exit 1
fi
printf 'PASS: every dashboard query and rule expression runs and returns the data it should\n'
