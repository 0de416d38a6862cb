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
# census ratios (times / the raw dump's, per round, median) are published in
# docs/performance.md between the census-ratio markers, one row per table
# size with its tolerance: a run at a published size fails when a ratio is
# further from the published one than that; -u writes this run's row
# (TOLERANCE=T sets its tolerance, default 0.08).
#
# Environment:
#   SOURCES=K     K distinct source addresses (ctwatch-fill --src-count K);
#                 SOURCES=ENTRIES gives every entry its own source, the
#                 sketch's worst case (default: the fill tool's, 1 per 60000)
#   CMD_ROUNDS=R  rounds of the command comparison (default ROUNDS; 0 skips it)
#   MAX_CENSUS_RATIO=X  fail (exit 1) when the median census, with or without
#                 TopPeers, is more than X times the raw dump (median of per-round ratios; CI)
# A command of the comparison that exits non-zero fails the run too.
#
# Entries beyond the global nf_conntrack_max need it raised (root namespace,
# restored on exit): only this script may do that. Another test may lower it
# for a moment; a fill that meets a full table (ctwatch-fill exit 3) is
# retried a few times, any other failure ends the run.
set -euo pipefail
update=0
args=()
for a in "$@"; do
  if [[ $a == -u ]]; then update=1; else args+=("$a"); fi
done
set -- "${args[@]}"
build=$(cd "${1:?usage: bench/run.sh BUILD_DIR [ENTRIES] [ROUNDS] [-u]}" && pwd)
n=${2:-100000}
rounds=${3:-7}
doc=$(cd "$(dirname "$0")/.." && pwd)/docs/performance.md
cmd_rounds=${CMD_ROUNDS:-$rounds}
sources=${SOURCES:-}
ns="ctwatch-bench-$$"
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
ip netns exec "$ns" "$build/bench/ctwatch-bench" --rounds "$rounds" "${limits[@]}" "${cmds[@]}" | tee "$out" || rc=$?
((rc == 0)) || exit "$rc"
PYTHONPATH="$(dirname "$doc")/../tests/support" python3 - "$out" "$doc" "$update" "${TOLERANCE:-0.08}" "$rounds" <<'PY'
import sys
import docblock  # tests/support/docblock.py
out, doc, update, tol, rounds = sys.argv[1], sys.argv[2], sys.argv[3] == "1", float(sys.argv[4]), sys.argv[5]
res = {}
for line in open(out):
    if line.startswith("result "):
        k, v = line.split()[1:3]
        res[k] = v
cols = [("census", "(b) census"), ("census_top_peers", "(c) + TopPeers 5"), ("census_cli", "(d) as the CLI"),
        ("census_loop", "(b2) = (b), bench's loop"), ("census_no_status", "(f) = (b2) without the status census"),
        ("census_top_peers_loop", "(c2) = (c), bench's loop"),
        ("census_top_peers_no_status", "(g) = (c2) without the status census")]
entries = int(res["entries"])
begin = ("<!-- BEGIN census ratios: written by bench/run.sh BUILD_DIR ENTRIES ROUNDS -u; a run at a published size "
         "fails when a ratio is further than the row's tolerance from it -->")
end = "<!-- END census ratios -->"
head, block, tail = docblock.read(doc, begin, end)
rows = [l for l in block.strip().splitlines() if l.startswith("| ") and l[2:3].isdigit()]
def size(row): return int(row.split("|")[1].strip().replace(",", ""))
mine = "| " + f"{entries:,}" + " | " + " | ".join(f"{float(res['ratio_' + k]):.3f}" for k, _ in cols) + \
       f" | ±{tol:.2f} | {rounds} |"
# A published size matches a run within the churn (a filled table can lose a few entries).
near = [r for r in rows if abs(size(r) - entries) <= max(10, entries // 100)]
if update:
    rows = [r for r in rows if r not in near] + [mine]
    rows.sort(key=size)
    hdr = "| entries | " + " | ".join(h for _, h in cols) + " | tolerance | rounds |"
    new = "\n" + hdr + "\n" + "|---" * (len(cols) + 3) + "|\n" + "\n".join(rows) + "\n"
    open(doc, "w").write(head + begin + new + end + tail)
    print(f"bench: wrote the {entries:,}-entry row into {doc}")
    sys.exit(0)
if not near:
    print(f"bench: {doc} publishes no row for {entries:,} entries (-u adds this run's)")
    sys.exit(0)
pub = near[0].split("|")[2:2 + len(cols)]
ptol = float(near[0].split("|")[2 + len(cols)].strip().lstrip("±"))
bad = []
for (k, h), p in zip(cols, pub):
    got, want = float(res["ratio_" + k]), float(p)
    if abs(got - want) > ptol:
        bad.append(f"{h}: {got:.3f}x the raw dump, published {want:.3f}x ± {ptol:.2f}")
if bad:
    sys.exit("FAIL: the census ratios moved from docs/performance.md's:\n  " + "\n  ".join(bad) +
             "\n(a regression, or a noisy machine: rerun; if deliberate, -u)")
print(f"bench: every census ratio within ±{ptol:.2f} of docs/performance.md's {entries:,}-entry row")
PY
