#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Top-peer series follow the table (README, "Top peers"): a peer that leaves
# the top N is no longer dispatched, and write_prometheus drops its `flow`
# series after two census intervals (collectd's Timeout 2 times the interval
# the census values carry), not at once and not never.
#
#   flow_fade.sh PLUGIN_SO FILL_TOOL
#
# In a namespace made here: source A (30 entries) is the top source with
# TopPeers 1 and CensusInterval 2; then source B gets 60 entries. From the
# scrape where B's series appears (A's last census was then at most one
# census interval, 2 s, before), A's series must stay for more than 1 s (it
# carries the census interval, not the 1 s read interval) and be gone within
# 2 x 2 s + 2.5 s of margin. Exit 0 pass, 1 fail, 77 skip (a failure under
# CTWATCH_REQUIRE_KERNEL=1).
set -euo pipefail
# shellcheck source=tests/stack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../stack/lib.sh"
plugin=${1:?usage: flow_fade.sh PLUGIN_SO FILL_TOOL}
fill=${2:?usage: flow_fade.sh PLUGIN_SO FILL_TOOL}

((EUID == 0)) || skip "needs root (a network namespace)"
require_tools ip:iproute2 curl:curl python3:python3
require_collectd logfile write_prometheus

work=$(mktemp -d /tmp/ctwatch-fade.XXXXXX)
ns=ctwatch-fade-$$
cleanup() {
  local rc=$?
  stack_collectd_stop || true
  ip netns del "$ns" 2>/dev/null || true
  ((rc == 0)) || { [[ -f $work/collectd.log ]] && dump_file "$work/collectd.log" "collectd log"; }
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

prepare_plugin_dir "$work" "$plugin" logfile write_prometheus
ip netns add "$ns" 2>"$work/netns.err" || skip "cannot create a network namespace: $(cat "$work/netns.err")"
ip -n "$ns" link set lo up
ip netns exec "$ns" "$fill" --quiet --base-src 10.41.0.1 --src-count 1 "udp=30@10.42.0.1:53" ||
  die "ctwatch-fill failed"
write_conf() {  # PORT
  {
  collectd_conf_head "$work" ctwatch-fade
  cat <<EOF
LoadPlugin ctwatch
<Plugin ctwatch>
  CensusInterval 2
  CensusBudget 100
  TopPeers 1
  Namespace "fade" "/var/run/netns/$ns"
  NamespaceCensus true
</Plugin>
EOF
  collectd_write_prometheus "$1"
  } >"$work/collectd.conf"
}
ulimit -n 1024
stack_collectd_start "$work" write_conf
port=$STACK_COLLECTD_PORT

# series TYPE: 0 when the scrape has collectd_ctwatch_flow{ctwatch="fade",
# type="TYPE"}, 1 when a successful scrape lacks it, 2 when the scrape
# failed (so a failed scrape never passes for a series that faded).
series() {
  local page
  page=$(curl -sf --max-time 2 "http://127.0.0.1:$port/metrics") || return 2
  grep -qF "collectd_ctwatch_flow{ctwatch=\"fade\",type=\"$1\"" <<<"$page" || return 1
}
has() { series "$1"; }
gone() { local rc=0; series "$1" || rc=$?; ((rc == 1)); }
now() { date +%s.%N; }
# wait_for SECONDS CONDITION...: polls every 0.1 s; prints the time it held.
wait_for() {
  local end
  end=$(python3 -c "import sys; print(float(sys.argv[1]) + float(sys.argv[2]))" "$(now)" "$1")
  shift
  while python3 -c "import sys; sys.exit(float(sys.argv[1]) >= float(sys.argv[2]))" "$(now)" "$end"; do
    if "$@"; then now; return 0; fi
    sleep 0.1
  done
  return 1
}
gone() { ! has "$1"; }

wait_for 20 has src-10.41.0.1 >/dev/null || die "source A (src-10.41.0.1) never appeared in the scrape"
has dst-10.42.0.1:53 || die "destination A (dst-10.42.0.1:53) is not in the scrape"
ip netns exec "$ns" "$fill" --quiet --base-src 10.41.0.9 --src-count 1 "udp=60@10.42.0.9:53" ||
  die "ctwatch-fill failed"
t_b=$(wait_for 10 has src-10.41.0.9) || die "source B (src-10.41.0.9) never replaced A as the top source"
t_gone=$(wait_for 15 gone src-10.41.0.1) || die "source A's series was still scraped 15 s after it left the top 1"
has dst-10.42.0.1:53 && { wait_for 3 gone dst-10.42.0.1:53 >/dev/null || fail "destination A's series outlived source A's by 3 s"; }
fade=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$t_b" "$t_gone")
if python3 -c "import sys; sys.exit(float(sys.argv[1]) > 1.0)" "$fade"; then
  fail "source A's series vanished ${fade} s after B appeared: it should carry the 2 s census interval and last two of them"
elif python3 -c "import sys; sys.exit(float(sys.argv[1]) <= 6.5)" "$fade"; then
  fail "source A's series lasted ${fade} s after B appeared, more than two census intervals (4 s) + 2.5 s"
else
  pass "a peer that left the top 1 faded from write_prometheus ${fade} s after its successor appeared (census interval 2 s)"
fi
gone src-10.41.0.9 && fail "source B's series is gone although B is still the top source"
stack_collectd_stop || fail "collectd did not exit 0 on SIGTERM"
((FAILURES == 0))
