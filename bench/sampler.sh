#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# A collectd read and a fast-sampler tick, with 1 to 500 extra namespaces
# (throwaway, empty, conntrack active; COUNTS overrides); docs/performance.md.
#   bench/sampler.sh BUILD_DIR [TICKS] [-u]
# The times depend on the machine; what a tick costs over the bare GET_STATS
# it cannot avoid (tick per namespace / GET_STATS, same thread) does much
# less. That ratio is published in docs/performance.md between the sampler
# markers, per namespace count, with a tolerance (relative, TOLERANCE=T,
# default 0.5 = within a factor 1.5); a run at a published count fails
# outside it; -u writes this run's rows.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
bench_args "$@"; set -- "${BENCH_ARGS[@]}"
update=$BENCH_UPDATE
bench_lock
build=${1:?usage: sampler.sh BUILD_DIR [TICKS] [-u]}
ticks=${2:-2000}
bin=$build/bench/sampler-bench
doc=$(cd "$(dirname "$0")/.." && pwd)/docs/performance.md
[[ -x $bin ]] || { echo "FAIL: $bin not built" >&2; exit 1; }
names=()
out=$(mktemp)
cleanup() {
  for n in "${names[@]}"; do ip netns del "$n" 2>/dev/null || true; done
  rm -f "$out"
}
trap cleanup EXIT
for count in ${COUNTS:-1 10 100 300 500}; do
  while ((${#names[@]} < count)); do
    n=ctwatch-sb-$$-${#names[@]}
    ip netns add "$n"
    names+=("$n")
    printf 'table inet t {\n chain o { type filter hook output priority 0; ct state new counter; }\n}\n' |
      ip netns exec "$n" nft -f -
  done
  "$bin" "$ticks" "${names[@]/#//var/run/netns/}" | tee -a "$out"
done
PYTHONPATH="$(dirname "$doc")/../tests/support" python3 - "$out" "$doc" "$update" "${TOLERANCE:-0.5}" <<'PY'
import sys
import docblock  # tests/support/docblock.py
out, doc, update, tol = sys.argv[1], sys.argv[2], sys.argv[3] == "1", float(sys.argv[4])
got, ctx = {}, {}
for line in open(out):
    f = line.split()
    if line.startswith("result ") and f[2] == "context":
        ctx[int(f[1])] = dict(kv.split("=") for kv in f[3:])
    elif line.startswith("result "):
        got[int(f[1])] = float(f[3])
begin = ("<!-- BEGIN sampler ratios: written by bench/sampler.sh BUILD_DIR [TICKS] -u; a run at a published "
         "namespace count fails outside the row's tolerance -->")
end = "<!-- END sampler ratios -->"
head, block, tail = docblock.read(doc, begin, end)
rows = {int(l.split("|")[1]): l for l in block.splitlines() if l.startswith("| ") and l.split("|")[1].strip().isdigit()}
# The target: <= 0.01 % of one CPU per namespace at StatsInterval 1 (a tick a second).
over = [f"{n} namespaces: {float(c['tick_cpu_us']):.1f} us of CPU per namespace per tick = "
        f"{float(c['tick_cpu_us']) / 1e4:.4f} % of one CPU at StatsInterval 1, over the 0.01 % target"
        for n, c in ctx.items() if float(c["tick_cpu_us"]) / 1e4 > 0.01]
if over:
    sys.exit("FAIL: the fast sampler costs too much:\n  " + "\n  ".join(over))
if update:
    for n, r in got.items():
        c = ctx[n]
        rows[n] = (f"| {n} | {r:.2f} | ±{tol * 100:.0f} % | {float(c['read_wall_ms']):.2f} ms | "
                   f"{float(c['tick_cpu_us']):.1f} µs | {float(c['tick_wall_us']):.0f} µs | "
                   f"{float(c['sampler_percent_all']):.3f} % |")
    new = ("\n| namespaces (host + N) | tick per namespace / bare GET_STATS | tolerance | read, wall | "
           "tick, CPU per namespace | tick, wall | fast sampler at StatsInterval 1, all namespaces (% of one CPU) |"
           "\n|---|---|---|---|---|---|---|\n"
           + "\n".join(rows[k] for k in sorted(rows)) + "\n")
    open(doc, "w").write(head + begin + new + end + tail)
    sys.exit(print(f"sampler: wrote {len(got)} rows into {doc}"))
bad = []
for n, r in got.items():
    if n not in rows:
        print(f"sampler: no published row for {n} namespaces (-u adds it)")
        continue
    f = rows[n].split("|")
    want, t = float(f[2]), float(f[3].strip().lstrip("±").rstrip("% ")) / 100
    if abs(r - want) > t * want:
        bad.append(f"{n} namespaces: a tick costs {r:.2f}x a bare GET_STATS, published {want:.2f}x ± {t * 100:.0f} %")
if bad:
    sys.exit("FAIL: the fast sampler's cost moved from docs/performance.md's:\n  " + "\n  ".join(bad))
print("sampler: every ratio within the published tolerance")
PY
