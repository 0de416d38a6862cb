#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Real collectd with ctwatch.so and write_prometheus against a known table
# in a namespace of its own; the scrape is compared with the metric
# contract (docs/metrics.md's table, through tests/contract.py) less the counters
# this kernel lacks.
# Run by suite.sh, in the test VMs too.
#
#   collectd_check.sh BUILD_DIR COUNTERS
#     COUNTERS: the counters this kernel has (from /proc/net/stat/nf_conntrack)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/stack/lib.sh
source "$HERE/../stack/lib.sh"
readonly BUILD=$1 COUNTERS=$2
readonly NS=ctwatch-kernels-$$
WORK=$(mktemp -d /tmp/ctwatch-kernels-collectd.XXXXXX)

cleanup() {
  stack_collectd_stop || true
  ip netns del "$NS" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

ip netns add "$NS"
# 40 TIME_WAIT + 7 ESTABLISHED + 5 UDP + 3 unreplied UDP = 55 entries (the
# unreplied ones feed the contract's unreplied-src/dst top peers).
ip netns exec "$NS" "$BUILD/tools/ctwatch-fill/ctwatch-fill" --quiet tcp:TIME_WAIT=40 tcp:ESTABLISHED=7 udp=5 udp:UNREPLIED=3
prepare_plugin_dir "$WORK" "$BUILD/plugin/ctwatch.so" logfile write_prometheus
write_conf() {  # PORT
  {
  collectd_conf_head "$WORK" ctwatch-kernels
  cat <<EOF
LoadPlugin ctwatch
<Plugin ctwatch>
  Namespace "it" "/var/run/netns/$NS"
  NamespaceCensus true
  CensusInterval 1
  CensusBudget 100
</Plugin>
EOF
  collectd_write_prometheus "$1"
  } >"$WORK/collectd.conf"
}
stack_collectd_start "$WORK" write_conf
port=$STACK_COLLECTD_PORT
python3 "$HERE/../contract.py" prom ctwatch-kernels e2e >"$WORK/expected.prom" ||
  { echo "FAIL: tests/contract.py cannot read the metric table"; exit 1; }
python3 "$HERE/check.py" collectd "$port" it "$WORK/expected.prom" "$COUNTERS" 55 40 ||
  { dump_file "$WORK/collectd.log" collectd.log; exit 1; }
