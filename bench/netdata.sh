#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# What ctwatch costs under Netdata and under collectd, side by side on one
# table: ctwatch.plugin (the whole process) and `collectd -f` with ctwatch.so
# and logfile only, each for SECONDS on the same throwaway namespace holding
# ENTRIES entries (75 % TIME_WAIT, 20 % ESTABLISHED, 5 % UDP), the same
# ctwatch configuration (NamespaceCensus true, CensusInterval 5) at an update
# every / Interval of 1 s.
#
#   bench/netdata.sh BUILD_DIR [ENTRIES] [SECONDS] [-u]     (20000, 60)
#
# Measured: CPU (utime + stime of the process over the window, which
# includes the kernel's census work, as % of one CPU), RSS and threads at
# the end (/proc/PID/status), open descriptors. docs/netdata.md publishes
# them between its "netdata cost" markers: judged are ctwatch.plugin's CPU /
# collectd's (the census dominates both, so the ratio does not depend on the
# machine; tolerance TOLERANCE, default 0.35) and the thread and descriptor
# counts of both (exact: they are bounded by design); -u writes this run's
# row, other runs at a published size fail outside it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
bench_args "$@"; set -- "${BENCH_ARGS[@]}"
update=$BENCH_UPDATE
build=$(cd "${1:?usage: bench/netdata.sh BUILD_DIR [ENTRIES] [SECONDS] [-u]}" && pwd)
n=${2:-20000}
seconds=${3:-60}
here=$(cd "$(dirname "$0")/.." && pwd)
doc=$here/docs/netdata.md
plugin=$build/plugin/ctwatch.plugin
for f in "$plugin" "$build/plugin/ctwatch.so" "$build/tools/ctwatch-fill/ctwatch-fill"; do
  [[ -x $f || -f $f ]] || { echo "netdata bench: $f is not built" >&2; exit 1; }
done
command -v collectd >/dev/null || { echo "netdata bench: collectd is not installed (scripts/install-deps.sh)" >&2; exit 1; }
bench_lock

ns=ctwatch-ndbench-$$
work=$(mktemp -d /tmp/ctwatch-ndbench.XXXXXX)
pid=""
cleanup() {
  [[ -n $pid ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  ip netns del "$ns" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
ip netns add "$ns"
tw=$((n * 75 / 100)); est=$((n * 20 / 100)); udp=$((n - tw - est))
ip netns exec "$ns" "$build/tools/ctwatch-fill/ctwatch-fill" --quiet "tcp:TIME_WAIT=$tw" "tcp:ESTABLISHED=$est" "udp=$udp"

ctwatch_conf="Namespace \"bench\" \"/var/run/netns/$ns\"
NamespaceCensus true
CensusInterval 5"
mkdir -p "$work/nd" "$work/cd/plugins"
printf '%s\n' "$ctwatch_conf" >"$work/nd/ctwatch.conf"
cp "$build/plugin/ctwatch.so" /usr/lib/collectd/logfile.so "$work/cd/plugins/"
cat >"$work/cd/collectd.conf" <<CONF
BaseDir "$work/cd"
PIDFile "$work/cd/pid"
PluginDir "$work/cd/plugins"
TypesDB "/usr/share/collectd/types.db"
Interval 1
LoadPlugin logfile
<Plugin logfile>
  LogLevel info
  File "$work/cd/collectd.log"
</Plugin>
LoadPlugin ctwatch
<Plugin ctwatch>
$(sed 's/^/  /' <<<"$ctwatch_conf")
</Plugin>
CONF

# measure LABEL: the running $pid over $seconds -> a "result" line.
measure() {
  local label=$1 t0 t1 s0 s1
  sleep 2  # past start-up: the first census and the threads' start
  kill -0 "$pid" 2>/dev/null || { echo "netdata bench: $label exited at start" >&2; exit 1; }
  t0=$(awk '{print $14 + $15}' "/proc/$pid/stat"); s0=$(date +%s.%N)
  sleep "$seconds"
  kill -0 "$pid" 2>/dev/null || { echo "netdata bench: $label died during the window" >&2; exit 1; }
  t1=$(awk '{print $14 + $15}' "/proc/$pid/stat"); s1=$(date +%s.%N)
  echo "result $label cpu_percent=$(python3 -c "print(f'{100 * ($t1 - $t0) / $(getconf CLK_TCK) / ($s1 - $s0):.3f}')")" \
    "rss_kib=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")" \
    "threads=$(awk '/^Threads/ {print $2}' "/proc/$pid/status")" \
    "fds=$(find "/proc/$pid/fd" -mindepth 1 -maxdepth 1 | wc -l)"
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
}
out=$work/out
# Both start without the bench lock's descriptor: the descriptor counts are
# judged exactly. ctwatch.plugin's stdout is Netdata's pipe; here a file, to count the
# plugins.d text it writes per update over the window.
NETDATA_USER_CONFIG_DIR=$work/nd NETDATA_STOCK_CONFIG_DIR=$work/nd "$plugin" 1 >"$work/nd/stdout" 2>"$work/nd/err" {BENCH_LOCK_FD}>&- &
pid=$!
( sleep 2; stat -c %s "$work/nd/stdout" >"$work/nd/b0" ) &
measure netdata | tee -a "$out"
b0=$(cat "$work/nd/b0")
echo "result text bytes_per_update=$(( ($(stat -c %s "$work/nd/stdout") - b0) / seconds ))" | tee -a "$out"
grep -q ERROR "$work/nd/err" && { echo "netdata bench: ctwatch.plugin logged errors:" >&2; cat "$work/nd/err" >&2; exit 1; }
collectd -f -C "$work/cd/collectd.conf" {BENCH_LOCK_FD}>&- &
pid=$!
measure collectd | tee -a "$out"
grep -qi "ctwatch.*error" "$work/cd/collectd.log" && { echo "netdata bench: ctwatch.so logged errors:" >&2; cat "$work/cd/collectd.log" >&2; exit 1; }

PYTHONPATH="$here/tests/support" python3 - "$out" "$doc" "$update" "$n" "$seconds" "${TOLERANCE:-0.35}" <<'PY'
import sys
import docblock  # tests/support/docblock.py
out, doc, update, n, seconds, tol = sys.argv[1], sys.argv[2], sys.argv[3] == "1", int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6])
m = {}
for line in open(out):
    f = line.split()
    if f and f[0] == "result":
        m[f[1]] = {k: float(v) for k, v in (kv.split("=") for kv in f[2:])}
nd, cd = m["netdata"], m["collectd"]
ratio = nd["cpu_percent"] / cd["cpu_percent"]
print(f"ctwatch.plugin CPU / collectd + ctwatch.so CPU = {ratio:.2f}")
begin = ("<!-- BEGIN netdata cost: written by bench/netdata.sh BUILD_DIR ENTRIES SECONDS -u; a run at a published size "
         "fails when the CPU ratio leaves the tolerance or a thread or descriptor count differs -->")
end = "<!-- END netdata cost -->"
head, block, tail = docblock.read(doc, begin, end)
cells = lambda l: [c.strip() for c in l.strip().strip("|").split("|")]
rows = {int(cells(l)[0].replace(",", "")): l for l in block.splitlines() if l.startswith("| ") and l[2:3].isdigit()}
def row():
    return (f"| {n:,} | {ratio:.2f} | ±{tol:g} | {nd['threads']:.0f} / {cd['threads']:.0f} | "
            f"{nd['fds']:.0f} / {cd['fds']:.0f} | {nd['cpu_percent']:.2f} % / {cd['cpu_percent']:.2f} % | "
            f"{nd['rss_kib'] / 1024:.1f} / {cd['rss_kib'] / 1024:.1f} MiB | {m['text']['bytes_per_update'] / 1024:.1f} KiB | "
            f"{seconds} s |")
if update:
    rows[n] = row()
    hdr = ("| entries | CPU, ctwatch.plugin / collectd + ctwatch.so | tolerance | threads (ctwatch.plugin / collectd) | "
           "descriptors (same order) | CPU, % of one core (same order) | RSS (same order) | plugins.d text per update "
           "| window |\n" + "|---" * 9 + "|\n")
    open(doc, "w").write(head + begin + "\n" + hdr + "\n".join(rows[k] for k in sorted(rows)) + "\n" + end + tail)
    sys.exit(print(f"netdata bench: wrote the {n:,}-entry row into {doc}"))
if n not in rows:
    sys.exit(print(f"netdata bench: {doc} publishes no row for {n:,} entries (-u adds this run's)"))
c = cells(rows[n])
bad = []
want, ptol = float(c[1]), float(c[2].lstrip("±"))
if abs(ratio - want) > ptol:
    bad.append(f"CPU ratio {ratio:.2f}, published {want:.2f} ± {ptol:g}")
for i, key in ((3, "threads"), (4, "fds")):
    pub = c[i]
    got = f"{nd[key]:.0f} / {cd[key]:.0f}"
    if got != pub:
        bad.append(f"{key} (ctwatch.plugin / collectd) {got}, published {pub}")
if bad:
    sys.exit(f"FAIL: the cost moved from {doc}'s {n:,}-entry row:\n  " + "\n  ".join(bad) +
             "\n(a regression, or a busy machine for the CPU ratio: rerun; if deliberate, -u)")
print(f"netdata bench: within {doc}'s {n:,}-entry row")
PY
