#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# ctwatch.plugin in Debian's real Netdata (1.37): charts and alarms against
# the kernel. Usage: run.sh PLUGIN FILL_TOOL HEALTH_CONF [-k]  (-k keeps the
# temp dir; it also holds the API excerpts docs/netdata.md quotes).
#
#  1. a namespace of our own; Netdata on 127.0.0.1 (free port) from a
#     throwaway config, only ctwatch.plugin, only our health.d file;
#  2. the GLOBAL nf_conntrack_max lowered to LIMIT (restored on every exit
#     path; ctest holds RESOURCE_LOCK nf_conntrack_max; run it under
#     `flock /run/ctwatch-global.lock`), the namespace filled to 85 % with
#     TIME_WAIT entries and a few unreplied UDP ones;
#  3. /api/v1/data against the kernel's count, max and census (conntrack -L);
#  4. /api/v1/alarms: table nearly full -> CRITICAL, TIME_WAIT dominant ->
#     WARNING; then the table flushed -> both CLEAR.
# Exit 0 pass, 1 fail, 77 skip (not root, no netdata/conntrack/nft), which
# CTWATCH_REQUIRE_KERNEL=1 turns into a failure. About 70-90 s (a run with
# a health file paging at 90 % instead of 80 % fails: the alarm stays CLEAR).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/stack/lib.sh
source "$HERE/../stack/lib.sh"
# shellcheck source=tests/netdata/lib.sh
source "$HERE/lib.sh"

[[ $# -ge 3 ]] || { echo "usage: $0 PLUGIN FILL_TOOL HEALTH_CONF [-k]" >&2; exit 1; }
PLUGIN=$(realpath "$1"); FILL=$(realpath "$2"); HEALTH=$(realpath "$3"); KEEP=${4:-}
[[ -x $PLUGIN && -x $FILL && -f $HEALTH ]] || die "build ctwatch_netdata, ctwatch-fill and the health file first"
[[ $(id -u) -eq 0 ]] || skip "needs root (network namespace, nf_conntrack_max)"
require_tools netdata:netdata-core conntrack:conntrack nft:nftables ip:iproute2 curl:curl python3:python3

readonly NS=ctwatch-nd-$$ SYSCTL_MAX=/proc/sys/net/netfilter/nf_conntrack_max
WORK=$(mktemp -d /tmp/ctwatch-netdata.XXXXXX)
NS_CREATED=0 ORIG_MAX="" ND_PID=""
cleanup() {
  local rc=$?
  nd_stop || true
  stack_sysctl_restore || rc=1
  ((NS_CREATED)) && ip netns del "$NS" 2>/dev/null
  if ((rc != 0)) && [[ -f $WORK/log/error.log ]]; then
    echo "--- netdata error.log (ctwatch lines, last 30)"; grep -a ctwatch "$WORK/log/error.log" | tail -30
  fi
  if [[ $KEEP == -k ]]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

setup_test_netns "$NS" ctwatch_nd "$WORK/err"
mkdir -p "$WORK/plugins" "$WORK/health"
cp "$PLUGIN" "$WORK/plugins/ctwatch.plugin"
cp "$HEALTH" "$WORK/health/ctwatch.conf"
nd_write_conf "$WORK" "$WORK/plugins" "$WORK/health"
cat >"$WORK/etc/ctwatch.conf" <<CONF
Namespace "nd" "/var/run/netns/$NS"
NamespaceCensus true
CensusInterval 2
TopPeers 3
CONF
nd_start
nd_wait_chart ctwatch_nd.entries 30 || die "netdata has no chart ctwatch_nd.entries after 30 s"
pass "netdata $(netdata -v 2>&1 | head -1) runs ctwatch.plugin (chart ctwatch_nd.entries)"

# Every chart of the namespace, by context.
nd_api /api/v1/charts >"$WORK/charts.json"
python3 - "$WORK/charts.json" <<'PY' || fail "charts missing (see above)"
import json, sys
charts = json.load(open(sys.argv[1]))["charts"]
want = ["entries", "fill", "time_to_full", "tcp_states", "protocols", "status", "drops", "operations",
        "sysctls", "source", "read_failures", "census_age", "census_duration"]
missing = [c for c in want if "ctwatch_nd." + c not in charts]
for c in ("ctwatch.plugin_namespaces", "ctwatch.plugin_censuses"):
    if c not in charts: missing.append(c)
if missing: print("missing charts:", missing); sys.exit(1)
print("ok:   %d ctwatch charts, contexts %s" % (len([c for c in charts if c.startswith("ctwatch")]),
      sorted({charts[c]["context"] for c in charts if c.startswith("ctwatch_nd.")})))
PY

# Lower the global max (a namespace's count is compared with it), fill to 85 %.
stack_global_lock   # nobody else changes the global max from here on
root_count=$(cat /proc/sys/net/netfilter/nf_conntrack_count)
LIMIT=$((root_count * 3 > 1000 ? root_count * 3 : 1000))
stack_sysctl_set "$SYSCTL_MAX" "$LIMIT"
ORIG_MAX=$(stack_sysctl_orig "$SYSCTL_MAX")
TW=$((LIMIT * 85 / 100 - 20))
ip netns exec "$NS" "$FILL" --quiet --timeout 600 tcp:TIME_WAIT=$TW udp:UNREPLIED=20 ||
  die "ctwatch-fill failed"
log "nf_conntrack_max $ORIG_MAX -> $LIMIT; namespace filled with $TW TIME_WAIT + 20 unreplied UDP entries"
sleep 5   # two updates after the next census (CensusInterval 2)

value() {  # CHART DIM: the latest value Netdata stored
  nd_api "/api/v1/data?chart=$1&after=-1&points=1&format=json&dimensions=$2" |
    python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["data"][0][1])'
}
kcount=$(ip netns exec "$NS" cat /proc/sys/net/netfilter/nf_conntrack_count)
ktw=$(ip netns exec "$NS" conntrack -L -p tcp --state TIME_WAIT 2>/dev/null | wc -l)
kudp=$(ip netns exec "$NS" conntrack -L -p udp 2>/dev/null | wc -l)
check() {  # WHAT GOT WANT
  if python3 -c "import sys; sys.exit(0 if abs(float('$2') - float('$3')) < 1e-6 else 1)"; then pass "$1 = $2 (kernel: $3)"
  else fail "$1 = $2, kernel says $3"; fi
}
check "ctwatch_nd.entries entries" "$(value ctwatch_nd.entries entries)" "$kcount"
check "ctwatch_nd.entries max" "$(value ctwatch_nd.entries max)" "$LIMIT"
check "ctwatch_nd.fill used (%)" "$(value ctwatch_nd.fill used)" "$(python3 -c "print(round(100*$kcount/$LIMIT, 3))")"
check "ctwatch_nd.tcp_states time_wait" "$(value ctwatch_nd.tcp_states time_wait)" "$ktw"
check "ctwatch_nd.protocols udp" "$(value ctwatch_nd.protocols udp)" "$kudp"
check "ctwatch_nd.status udp_unreplied" "$(value ctwatch_nd.status udp_unreplied)" "$kudp"
for c in entries fill tcp_states top_sources; do
  nd_api "/api/v1/data?chart=ctwatch_nd.$c&after=-1&points=1&format=json" >"$WORK/data-$c.json"
done

await() {  # ALARM STATUS SECONDS
  local deadline=$((SECONDS + $3)) t0=$SECONDS s
  while ((SECONDS < deadline)); do
    s=$(nd_alarm_status "$1")
    if [[ $s == "$2" ]]; then pass "alarm $1 -> $2 after $((SECONDS - t0)) s"; return 0; fi
    sleep 1
  done
  fail "alarm $1 is $s, not $2, after $3 s"
}
await ctwatch_nd.fill.ctwatch_table_nearly_full CRITICAL 45
await ctwatch_nd.tcp_states.ctwatch_time_wait_dominant WARNING 30
nd_api /api/v1/alarms >"$WORK/alarms-raised.json"
python3 - "$WORK/alarms-raised.json" <<'PY'
import json, sys
for k, a in sorted(json.load(open(sys.argv[1]))["alarms"].items()):
    print("      raised: %s %s value %s %s" % (k, a["status"], a["value"], a["units"]))
PY

ip netns exec "$NS" conntrack -F 2>/dev/null
log "namespace table flushed"
await ctwatch_nd.fill.ctwatch_table_nearly_full CLEAR 60
await ctwatch_nd.tcp_states.ctwatch_time_wait_dominant CLEAR 30
nd_api '/api/v1/alarms?all' >"$WORK/alarms-all.json"
stack_sysctl_restore

rc=0; nd_stop || rc=$?
grep -a 'ctwatch.plugin: ERROR' "$WORK/log/error.log" && fail "ctwatch.plugin logged errors"
((FAILURES == 0)) || { echo "$FAILURES failure(s)"; exit 1; }
echo "PASS (netdata exit status $rc)"
