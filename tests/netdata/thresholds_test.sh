#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The Netdata alarms' thresholds (ctwatch-netdata-health --thresholds, from
# core's constants and plugin/netdata/health.cpp) against the Prometheus
# side's single source (mixin/config.libsonnet, and the ConntrackMaxNotTuned
# ceiling in its alert): any drift fails. Usage: thresholds_test.sh HEALTH_BIN
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
command -v jsonnet >/dev/null || { echo "FAIL: jsonnet is not installed (scripts/install-deps.sh)"; exit 1; }
ours=$("$1" --thresholds)
mixin=$(jsonnet -J "$SRC/mixin" -e "local c = (import '$SRC/mixin/config.libsonnet')._config;
  { fillPageRatio: c.fillPageRatio, fillGateRatio: c.fillGateRatio, fillingFastSeconds: c.fillingFastSeconds,
    timeWaitShareRatio: c.timeWaitShareRatio, censusStaleSeconds: c.censusStaleSeconds }")
ceiling=$(grep -v '^ *//' "$SRC/mixin/alerts/ConntrackMaxNotTuned.libsonnet" | grep -o 'type="max"} <= [0-9]\+' | head -1 | tr -dc 0-9)
python3 - "$ours" "$mixin" "$ceiling" <<'PY'
import json, sys
ours, mixin, ceiling = json.loads(sys.argv[1]), json.loads(sys.argv[2]), float(sys.argv[3])
mixin["defaultMaxCeiling"] = ceiling
bad = [k for k in mixin if abs(float(ours[k]) - float(mixin[k])) > 1e-9]
for k in sorted(mixin):
    print("%-4s %-20s netdata %-10s mixin %s" % ("FAIL" if k in bad else "ok", k, ours[k], mixin[k]))
sys.exit(1 if bad else 0)
PY
