#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The census budget, proven with real collectd:
#   bench/budget.sh BUILD_DIR [ENTRIES] [SECONDS] [-u]   (defaults 1000000, 300)
# The run must be one where the budget decides when a census runs, or it
# proves nothing (a 20k table censused every 30 s never touches a 1 % budget):
#  - ENTRIES >= 500000: the DEFAULT configuration (Interval 10, Census true,
#    CensusInterval 30, CensusBudget 1.0): a census costs over 0.3 s of CPU,
#    so the budget allows one every 30+ s;
#  - smaller tables: Interval 1, CensusInterval 1, CensusBudget 0.5 (BUDGET=P
#    overrides): a census costing more than 7.5 ms is spaced out by the budget.
# Either way the run fails unless the censuses were spaced at least 1.5x
# further apart than the intervals alone allow (removing the budget's
# enforcement fails it), and, with MAX_CPU_PERCENT, unless collectd stayed
# under that much CPU.
# collectd runs inside a throwaway namespace holding ENTRIES entries, so that
# namespace is its "host" table. Reports the CPU used by the whole collectd
# process (utime + stime, which includes the kernel's dump work) as % of one
# CPU, and when each census ran (seen by the netlink spy), so the interval
# between censuses is measured, not inferred. Raises the global
# nf_conntrack_max when ENTRIES needs it and restores it on exit.
# MAX_CPU_PERCENT=P (CI) fails the run (exit 1) when collectd used more than
# P % of one CPU over the window: CensusBudget plus a margin for the rest of
# collectd (stats reads, logging).
# docs/performance.md publishes, per (ENTRIES, SECONDS), collectd's CPU as a
# multiple of CensusBudget (what the budget holds it to, whatever the
# machine's speed) with a tolerance (TOLERANCE, default 0.3): a run at a
# published size fails outside it; -u writes this run's row;
# REQUIRE_PUBLISHED=1 (CI) fails a run for which no row is published.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
bench_args "$@"; set -- "${BENCH_ARGS[@]}"
update=$BENCH_UPDATE
build=${1:?usage: bench/budget.sh BUILD_DIR [ENTRIES] [SECONDS] [-u]}
n=${2:-1000000}
seconds=${3:-300}
here=$(cd "$(dirname "$0")/.." && pwd)
doc=$here/docs/performance.md
bench_lock
spy="$build/tests/fault/netlink_spy.so"
[[ -f $spy ]] || { echo "budget: build $spy first (cmake --build $build --target netlink_spy)"; exit 1; }
ns="ctwatch-budget-$$"
work=$(mktemp -d /tmp/ctwatch-budget.XXXXXX)
old_max=$(cat /proc/sys/net/netfilter/nf_conntrack_max)
cpid=""
raised=0
cleanup() {
  [[ -n $cpid ]] && kill "$cpid" 2>/dev/null && wait "$cpid" 2>/dev/null || true
  ip netns del "$ns" 2>/dev/null || true
  ((raised)) && echo "$old_max" > /proc/sys/net/netfilter/nf_conntrack_max
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
if (( n > old_max )); then echo $((n + 1000)) > /proc/sys/net/netfilter/nf_conntrack_max; raised=1; fi
ip netns add "$ns"
tw=$((n * 80 / 100)); est=$((n * 15 / 100)); udp=$((n - tw - est))
ip netns exec "$ns" "$build/tools/ctwatch-fill/ctwatch-fill" --quiet --timeout 7200 \
  "tcp:TIME_WAIT=$tw" "tcp:ESTABLISHED=$est" "udp=$udp"
mkdir -p "$work/plugins"
cp "$build/plugin/ctwatch.so" /usr/lib/collectd/logfile.so "$work/plugins/"
cat > "$work/collectd.conf" <<CONF
BaseDir "$work"
PIDFile "$work/pid"
PluginDir "$work/plugins"
TypesDB "/usr/share/collectd/types.db"
LoadPlugin logfile
<Plugin logfile>
  LogLevel info
  File "$work/collectd.log"
</Plugin>
CONF
if ((n >= 500000)); then
  interval=10 census_interval=30 budget=${BUDGET:-1.0} mode="default configuration"
  echo "LoadPlugin ctwatch" >>"$work/collectd.conf"
else
  interval=1 census_interval=1 budget=${BUDGET:-0.5} mode="a table too small for the default intervals to let the budget decide"
  cat >>"$work/collectd.conf" <<CONF
<LoadPlugin ctwatch>
  Interval $interval
</LoadPlugin>
<Plugin ctwatch>
  CensusInterval $census_interval
  CensusBudget $budget
</Plugin>
CONF
fi
ip netns exec "$ns" env LD_PRELOAD="$spy" CTWATCH_SPY_LOG="$work/spy" collectd -f -C "$work/collectd.conf" &
cpid=$!
ticks() { awk '{print $14 + $15}' "/proc/$cpid/stat"; }
sleep 1
t0=$(ticks)
s0=$(date +%s.%N)
sleep "$seconds"
t1=$(ticks)
s1=$(date +%s.%N)
hz=$(getconf CLK_TCK)
rc=0
PYTHONPATH="$here/tests/support" python3 - "$work/spy" "$t0" "$t1" "$s0" "$s1" "$hz" "$n" "${MAX_CPU_PERCENT:-}" \
  "$interval" "$census_interval" "$budget" "$mode" "$doc" "$update" "$seconds" "${TOLERANCE:-0.3}" <<'PY' || rc=$?
import os, statistics, sys
import docblock  # tests/support/docblock.py
spy, t0, t1, s0, s1, hz, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7])
limit = float(sys.argv[8]) if sys.argv[8] else None
interval, census_interval, budget, mode = float(sys.argv[9]), float(sys.argv[10]), float(sys.argv[11]), sys.argv[12]
wall = s1 - s0
cpu = (t1 - t0) / hz
dumps = [float(l.split()[2]) for l in open(spy) if l.startswith("0101 ")]
gaps = [b - a for a, b in zip(dumps, dumps[1:])]
print(f"entries            {n}")
print(f"window             {wall:.0f} s, {mode} (Interval {interval:g}, CensusInterval {census_interval:g}, CensusBudget {budget:g})")
print(f"collectd CPU       {cpu:.2f} s = {100 * cpu / wall:.2f} % of one CPU (utime+stime, includes the kernel's dump work)")
print(f"censuses           {len(dumps)}; intervals between them: " + (", ".join(f"{g:.0f}" for g in gaps) or "-") + " s")
if not dumps:
    sys.exit("FAIL: no census ran")
allowed = max(interval, census_interval)
if len(gaps) < 1:
    sys.exit(f"FAIL: {len(dumps)} censuses in {wall:.0f} s: too few to see who spaced them (a longer window)")
spacing = statistics.median(gaps)
print(f"spacing            median {spacing:.1f} s between censuses = {spacing / allowed:.1f}x what the intervals "
      f"alone allow ({allowed:g} s); collectd CPU = {100 * cpu / wall / budget:.2f}x CensusBudget")
if spacing < 1.5 * allowed:
    sys.exit(f"FAIL: censuses ran every {spacing:.1f} s, as the intervals ({allowed:g} s) allow: the budget did not "
             "decide (is it enforced? is the census too cheap for this budget?)")
if limit is not None and 100 * cpu / wall > limit:
    sys.exit(f"FAIL: collectd used {100 * cpu / wall:.2f} % of one CPU, more than {limit} %")

doc, update, seconds, tol = sys.argv[13], sys.argv[14] == "1", int(sys.argv[15]), float(sys.argv[16])
begin = ("<!-- BEGIN census budget: written by bench/budget.sh BUILD_DIR ENTRIES SECONDS -u; a run at a published "
         "size and window fails when collectd's CPU / CensusBudget is further than the tolerance from it -->")
end = "<!-- END census budget -->"
head, block, tail = docblock.read(doc, begin, end)
rows = {}
for l in block.splitlines():
    c = [x.strip() for x in l.strip().strip("|").split("|")]
    if l.startswith("| ") and c[0][:1].isdigit():
        rows[(int(c[0].replace(",", "")), int(c[1].rstrip(" s")))] = l
ratio = 100 * cpu / wall / budget
config = f"Interval {interval:g}, CensusInterval {census_interval:g}, CensusBudget {budget:g}"
if update:
    rows[(n, seconds)] = (f"| {n:,} | {seconds} s | {ratio:.2f} | ±{tol:g} | {config} | {100 * cpu / wall:.2f} % | "
                          f"{len(dumps)} | {spacing:.1f} s ({spacing / allowed:.1f}× the intervals') |")
    hdr = ("| entries | window | collectd CPU / CensusBudget | tolerance | configuration | collectd CPU (% of one CPU) "
           "| censuses | median spacing |\n" + "|---" * 8 + "|\n")
    open(doc, "w").write(head + begin + "\n" + hdr + "\n".join(rows[k] for k in sorted(rows)) + "\n" + end + tail)
    sys.exit(print(f"budget: wrote the {n:,}-entry, {seconds} s row into {doc}"))
if (n, seconds) not in rows:
    msg = f"{doc} publishes no row for {n:,} entries over {seconds} s (-u adds this run's)"
    if os.environ.get("REQUIRE_PUBLISHED") == "1":
        sys.exit("FAIL: " + msg)
    sys.exit(print("budget: " + msg))
c = [x.strip() for x in rows[(n, seconds)].strip().strip("|").split("|")]
want, ptol = float(c[2]), float(c[3].lstrip("±"))
if abs(ratio - want) > ptol:
    sys.exit(f"FAIL: collectd used {ratio:.2f}x CensusBudget, published {want:.2f}x ± {ptol:g} ({doc}); "
             "a regression of the budget, or a busy machine: rerun; if deliberate, -u")
print(f"budget: collectd's CPU / CensusBudget within ±{ptol:g} of {doc}'s row")
PY
grep -i ctwatch "$work/collectd.log" | tail -3 || true
kill -0 "$cpid" 2>/dev/null || { echo "FAIL: collectd died during the window" >&2; rc=1; }
exit "$rc"
