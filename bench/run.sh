#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Fills a throwaway namespace with N entries (mix: ~80 % TIME_WAIT, 15 %
# ESTABLISHED, a few other TCP states, ~5 % UDP) and runs ctwatch-bench in it:
#  1. the census without and with TopPeers (plugin and CLI variants) against
#     a raw dump, and the stats path;
#  2. side by side, the on-call commands: `ctwatch` (this build's CLI),
#     `conntrack -L > /dev/null`, and the incident's pipeline
#     `conntrack -L | awk '{print $4}' | sort | uniq -c | sort -rn | head`.
#
#   bench/run.sh BUILD_DIR [ENTRIES] [ROUNDS] [-u]
#
# Every variant must count the raw dump's entries, round by round (within
# the churn seen between raw dumps; ctwatch-bench fails otherwise). The
# census ratios (times / the raw dump's, per round, median), the user-space
# shares and the on-call commands' ratios are published in
# docs/performance.md's generated blocks, one row per table (size and source
# spread) with its tolerance: a run at a published table fails when a number
# is further from the published one than that; -u writes this run's rows
# (bench/census_doc.py: the blocks and their tolerances).
#
# Environment:
#   SOURCES=K     K distinct source addresses (ctwatch-fill --src-count K);
#                 SOURCES=ENTRIES gives every entry its own source, the
#                 sketch's worst case (default: the fill tool's, 1 per 60000)
#   CMD_ROUNDS=R  rounds of the command comparison (default ROUNDS; 0 skips it)
#   REQUIRE_PUBLISHED=1  fail when the docs publish no row for this table (CI)
#   MAX_CENSUS_RATIO=X  fail (exit 1) when the median census, with or without
#                 TopPeers, is more than X times the raw dump (median of per-round ratios; CI)
# A command of the comparison that exits non-zero fails the run too.
#
# Entries beyond the global nf_conntrack_max need it raised (root namespace,
# restored on exit): only this script may do that. Another test may lower it
# for a moment; a fill that meets a full table (ctwatch-fill exit 3) is
# retried a few times, any other failure ends the run.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
bench_args "$@"; set -- "${BENCH_ARGS[@]}"
update=$BENCH_UPDATE
build=$(cd "${1:?usage: bench/run.sh BUILD_DIR [ENTRIES] [ROUNDS] [-u]}" && pwd)
n=${2:-100000}
rounds=${3:-7}
doc=$(cd "$(dirname "$0")/.." && pwd)/docs/performance.md
cmd_rounds=${CMD_ROUNDS:-$rounds}
sources=${SOURCES:-}
ns="ctwatch-bench-$$"
bench_lock
max_file=/proc/sys/net/netfilter/nf_conntrack_max
old_max=$(cat "$max_file")
raised=0
cleanup() {
  ip netns del "$ns" 2>/dev/null || true
  if ((raised)); then echo "$old_max" >"$max_file"; fi
}
trap cleanup EXIT
if ((n > old_max)); then
  echo $((n + 1000)) >"$max_file"
  raised=1
fi

tw=$((n * 80 / 100)); est=$((n * 15 / 100)); udp=$((n * 4 / 100)); other=$((n - tw - est - udp))
fill_args=(--timeout 7200)
[[ -n $sources ]] && fill_args+=(--src-count "$sources")
for attempt in 1 2 3 4 5; do
  ip netns del "$ns" 2>/dev/null || true
  ip netns add "$ns"
  rc=0
  ip netns exec "$ns" "$build/tools/ctwatch-fill/ctwatch-fill" "${fill_args[@]}" \
    "tcp:TIME_WAIT=$tw" "tcp:ESTABLISHED=$est" "udp=$udp" \
    "tcp:SYN_SENT=$((other / 2))" "tcp:CLOSE_WAIT=$((other - other / 2))" || rc=$?
  ((rc == 0)) && break
  ((rc == 3)) || { echo "bench: the fill failed (exit $rc, not a full table)" >&2; exit 1; }
  ((attempt < 5)) || { echo "bench: the fill met a full table 5 times" >&2; exit 1; }
  echo "bench: fill failed (nf_conntrack_max=$(cat "$max_file")); retrying in 10 s" >&2
  sleep 10
done

cmds=()
if ((cmd_rounds > 0)); then
  command -v conntrack >/dev/null || { echo "bench: conntrack (conntrack-tools) is needed for the command comparison" >&2; exit 1; }
  [[ -x $build/cli/ctwatch ]] || { echo "bench: $build/cli/ctwatch is missing (build the ctwatch-cli target, or CMD_ROUNDS=0)" >&2; exit 1; }
  cmds=(--cmd-rounds "$cmd_rounds"
    --cmd "ctwatch=$build/cli/ctwatch --top 5"
    --cmd "conntrack -L=conntrack -L"
    --cmd "pipeline=conntrack -L | awk '{print \$4}' | sort | uniq -c | sort -rn | head")
fi
limits=()
[[ -n ${MAX_CENSUS_RATIO:-} ]] && limits=(--max-census-ratio "$MAX_CENSUS_RATIO")
out=$(mktemp)
trap 'cleanup; rm -f "$out"' EXIT
rc=0
load=$(cut -d' ' -f1 /proc/loadavg)
ip netns exec "$ns" "$build/bench/ctwatch-bench" --rounds "$rounds" "${limits[@]}" "${cmds[@]}" | tee "$out" || rc=$?
((rc == 0)) || exit "$rc"
if [[ -z $sources ]]; then spread="1 per 60,000"
elif ((sources == n)); then spread="every entry"
else spread=$sources; fi
PYTHONPATH="$(dirname "$doc")/../tests/support" python3 "$(dirname "$0")/census_doc.py" \
  "$out" "$doc" "$update" "$rounds" "$cmd_rounds" "$spread" "$load"
