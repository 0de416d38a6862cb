#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The README's demo: builds ctwatch, then runs it inside real collectd
# (foreground, write_prometheus on 127.0.0.1) against this machine's table
# and a demo namespace where a "chatty" client opens short-lived TCP
# connections without pooling. Every few seconds it prints what the plugin
# dispatched, as Prometheus sees it. Ctrl-C (or DEMO_SECONDS) ends it and
# cleans up everything it started.
#   sudo ./scripts/demo.sh            # DEMO_SECONDS=60 by default, 0 = until Ctrl-C
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
seconds=${DEMO_SECONDS:-60}
port=${DEMO_PORT:-19103}

if [[ $(id -u) -ne 0 ]]; then echo "demo: run as root (namespaces, ctnetlink)" >&2; exit 1; fi
./scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target ctwatch ctwatch-fill >/dev/null

work=$(mktemp -d /tmp/ctwatch-demo.XXXXXX)
ns="ctwatch-demo-$$"
pids=()
cleanup() {
  trap - EXIT INT TERM
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  ip netns del "$ns" 2>/dev/null || true
  rm -rf "$work"
  echo "demo: cleaned up"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "demo: namespace $ns with a server and a chatty client (no connection pooling)"
ip netns add "$ns"
ip netns exec "$ns" ip link set lo up
ip netns exec "$ns" nft -f - <<'NFT'
table inet demo {
  chain out { type filter hook output priority 0; ct state new counter; }
  chain in { type filter hook input priority 0; ct state new counter; }
}
NFT
# Some long-lived background entries, so the census has more than one state.
ip netns exec "$ns" build/tools/ctwatch-fill/ctwatch-fill --quiet tcp:ESTABLISHED=300 udp=120 icmp=5
ip netns exec "$ns" python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 8080)); s.listen(512)
while True:
    c, _ = s.accept(); c.recv(64); c.sendall(b"HTTP/1.0 200 OK\r\n\r\nok"); c.close()
' &
pids+=($!)
sleep 0.5
ip netns exec "$ns" python3 -c '
import socket, time
while True:
    for _ in range(50):
        s = socket.create_connection(("127.0.0.1", 8080)); s.sendall(b"GET / HTTP/1.0\r\n\r\n"); s.recv(64); s.close()
    time.sleep(0.1)
' &
pids+=($!)

mkdir -p "$work/plugins"
cp build/plugin/ctwatch.so /usr/lib/collectd/logfile.so /usr/lib/collectd/write_prometheus.so "$work/plugins/"
cat > "$work/collectd.conf" <<CONF
Hostname "$(hostname)"
BaseDir "$work"
PIDFile "$work/collectd.pid"
PluginDir "$work/plugins"
TypesDB "/usr/share/collectd/types.db"
Interval 2
LoadPlugin logfile
<Plugin logfile>
  LogLevel info
  File "$work/collectd.log"
  PrintSeverity true
</Plugin>
LoadPlugin write_prometheus
<Plugin write_prometheus>
  Host "127.0.0.1"
  Port "$port"
</Plugin>
LoadPlugin ctwatch
<Plugin ctwatch>
  Census true
  CensusInterval 4
  Namespace "demo" "/var/run/netns/$ns"
  NamespaceCensus true
</Plugin>
CONF
collectd -t -C "$work/collectd.conf"
collectd -f -C "$work/collectd.conf" &
pids+=($!)
echo "demo: collectd running, metrics at http://127.0.0.1:$port/metrics (log: $work/collectd.log)"

show() {
  local scrape
  scrape=$(curl -sf "http://127.0.0.1:$port/metrics" | grep '^collectd_ctwatch' || true)
  [[ -n "$scrape" ]] || { echo "(no ctwatch values yet)"; return; }
  python3 - "$scrape" <<'PY'
import re, sys
rows = {}
for line in sys.argv[1].splitlines():
    m = re.match(r'(\w+)\{(.*)\} (\S+)', line)
    if not m: continue
    fam, labels, val = m.groups()
    l = dict(re.findall(r'(\w+)="([^"]*)"', labels))
    rows.setdefault(l.get("ctwatch"), {})[(fam.replace("collectd_ctwatch_", ""), l.get("type"))] = float(val)
for ns, v in sorted(rows.items()):
    g = lambda f, t: v.get((f, t))
    ent, mx, pct = g("conntrack", "entries"), g("conntrack", "max"), g("percent", "used")
    print(f"[{ns}] entries {ent:.0f} / max {mx:.0f} = {pct:.3f} %   drop {g('errors_total','drop') or 0:.0f}  insert_failed {g('errors_total','insert_failed') or 0:.0f}  early_drop {g('errors_total','early_drop') or 0:.0f}")
    states = {t: x for (f, t), x in v.items() if f == "tcp_connections" and x}
    protos = {t: x for (f, t), x in v.items() if f == "current_connections" and x}
    if states: print("      tcp states:", "  ".join(f"{k} {x:.0f}" for k, x in sorted(states.items(), key=lambda kv: -kv[1])))
    if protos: print("      protocols: ", "  ".join(f"{k} {x:.0f}" for k, x in sorted(protos.items(), key=lambda kv: -kv[1])))
    c = g("duration_seconds", "census")
    tw = g("duration_seconds", "tcp_timeout_time_wait")
    print(f"      census {c*1000:.1f} ms" if c is not None else "      (no census here)", f"  time_wait timeout {tw:.0f} s  tcp_tw_reuse {g('gauge','tcp_tw_reuse'):.0f}  buckets {g('conntrack','buckets'):.0f}")
PY
}

start=$SECONDS
while (( seconds == 0 || SECONDS - start < seconds )); do
  sleep 4
  echo "---- $(date +%T)"
  show
done
echo "---- collectd log (ctwatch lines)"
grep -i ctwatch "$work/collectd.log" || true
