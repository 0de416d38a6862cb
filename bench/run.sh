#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Fills a throwaway namespace with N entries (mix: ~80 % TIME_WAIT, 15 %
# ESTABLISHED, a few other TCP states, ~5 % UDP) and runs ctwatch-bench in it.
#   bench/run.sh BUILD_DIR [ENTRIES] [ROUNDS]
# Entries beyond the global nf_conntrack_max need it raised (root namespace,
# restored on exit).
set -euo pipefail
build=${1:?usage: bench/run.sh BUILD_DIR [ENTRIES] [ROUNDS]}
n=${2:-100000}
rounds=${3:-7}
ns="ctwatch-bench-$$"
old_max=$(cat /proc/sys/net/netfilter/nf_conntrack_max)
cleanup() {
  ip netns del "$ns" 2>/dev/null || true
  echo "$old_max" > /proc/sys/net/netfilter/nf_conntrack_max
}
trap cleanup EXIT
if (( n > old_max )); then echo $((n + 1000)) > /proc/sys/net/netfilter/nf_conntrack_max; fi
ip netns add "$ns"
tw=$((n * 80 / 100)); est=$((n * 15 / 100)); udp=$((n * 4 / 100)); other=$((n - tw - est - udp))
ip netns exec "$ns" "$build/tools/ctwatch-fill/ctwatch-fill" --timeout 7200 \
  "tcp:TIME_WAIT=$tw" "tcp:ESTABLISHED=$est" "udp=$udp" "tcp:SYN_SENT=$((other / 2))" "tcp:CLOSE_WAIT=$((other - other / 2))"
ip netns exec "$ns" "$build/bench/ctwatch-bench" --rounds "$rounds"
