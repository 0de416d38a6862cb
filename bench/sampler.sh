#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# A collectd read and a fast-sampler tick, with 1 to 500 extra namespaces
# (throwaway, empty, conntrack active; COUNTS overrides); docs/performance.md.
#   bench/sampler.sh BUILD_DIR [TICKS]
set -euo pipefail
build=${1:?usage: sampler.sh BUILD_DIR [TICKS]}
ticks=${2:-2000}
bin=$build/bench/sampler-bench
[[ -x $bin ]] || { echo "FAIL: $bin not built" >&2; exit 1; }
names=()
cleanup() { for n in "${names[@]}"; do ip netns del "$n" 2>/dev/null || true; done; }
trap cleanup EXIT
for count in ${COUNTS:-1 10 100 300 500}; do
  while ((${#names[@]} < count)); do
    n=ctwatch-sb-$$-${#names[@]}
    ip netns add "$n"
    names+=("$n")
    printf 'table inet t {\n chain o { type filter hook output priority 0; ct state new counter; }\n}\n' |
      ip netns exec "$n" nft -f -
  done
  "$bin" "$ticks" "${names[@]/#//var/run/netns/}"
done
