#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Synthetic ctwatch series for a fleet: HOSTS hosts x 2 namespaces.

    gen.py HOSTS MINUTES INTERVAL_S END_UNIX OUT.om OUT.prom

Writes OpenMetrics (for `promtool tsdb create-blocks-from openmetrics`,
timestamps in s) and Prometheus text with ms timestamps (VictoriaMetrics
/api/v1/import/prometheus), the same samples.  Per (host, namespace) the
series of the metric contract (docs/metrics.md) as write_prometheus exports them (49):
conntrack entries/peak/max/buckets, percent used, time_to_full, the four
timeouts, census and census_age, tcp_tw_reuse, source_netlink, the 10 TCP
states, 4 protocols, 6 error and 4 operation counters, read_failures, and
top-5 source and destination peers.  Shapes: tables of 2k-200k entries
(log-uniform) with a slow wave and noise; 1 % of the namespaces filling to
85-95 %, 2 % TIME_WAIT-dominated, 0.5 % dropping packets, and at least one
of each (the first three namespaces), so that at any fleet size every panel
and rule has series to compute (a check on 0 series proves nothing);
counters monotonic.  Deterministic (seeded).
"""
import math
import random
import sys

HOSTS, MINUTES, STEP, END = (int(a) for a in sys.argv[1:5])
OM, PT = sys.argv[5], sys.argv[6]
N = MINUTES * 60 // STEP + 1
TS = [END - (N - 1 - i) * STEP for i in range(N)]
TCP = ["NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT", "CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE", "SYN_SENT2"]
PROTO = ["tcp", "udp", "icmp", "other"]
ERR = ["drop", "early_drop", "insert_failed", "invalid", "error", "chaintoolong"]
OPS = ["found", "insert", "search_restart", "clash_resolve"]


def hosts():
    rnd = random.Random(12)
    forced = [0.0, 0.02, 0.032]  # full, TIME_WAIT-dominated, dropping
    for h in range(HOSTS):
        for ns in ("host", "ns1"):
            kind = rnd.random()
            if forced:
                kind = forced.pop(0)
            mx = rnd.choice([262144, 262144, 1048576])
            base = math.exp(rnd.uniform(math.log(2000), math.log(200000)))
            yield dict(inst=f"node-{h:05d}.example", ns=ns, rnd=random.Random(h * 2 + (ns == "ns1")),
                       max=mx, base=min(base, 0.6 * mx),
                       full=kind < 0.01, tw=0.01 <= kind < 0.03, drops=0.03 <= kind < 0.035,
                       phase=rnd.uniform(0, 6.28))


def series(h):
    """(family, type, kind, [values]) of one (host, namespace)."""
    r = h["rnd"]
    ent = []
    for i in range(N):
        wave = 1 + 0.2 * math.sin(h["phase"] + i * STEP / 3600 * 6.28 / 6)
        e = h["base"] * wave * r.uniform(0.97, 1.03)
        if h["full"]:
            e = h["max"] * (0.85 + 0.10 * i / N)
        ent.append(int(min(e, h["max"])))
    tw_share = 0.7 if h["tw"] else 0.15
    yield "conntrack", "entries", "gauge", ent
    yield "conntrack", "peak", "gauge", [int(e * 1.02) for e in ent]
    yield "conntrack", "max", "gauge", [h["max"]] * N
    yield "conntrack", "buckets", "gauge", [h["max"] // (1 if h["max"] > 262144 else 4)] * N
    yield "percent", "used", "gauge", [100.0 * e / h["max"] for e in ent]
    yield "duration_seconds", "time_to_full", "gauge", [math.inf] * N
    for t, v in (("tcp_timeout_time_wait", 120), ("tcp_timeout_established", 432000), ("udp_timeout", 30), ("udp_timeout_stream", 120)):
        yield "duration_seconds", t, "gauge", [v] * N
    yield "duration_seconds", "census", "gauge", [round(e / 400000, 4) for e in ent]
    yield "duration_seconds", "census_age", "gauge", [r.uniform(0, 30) for _ in range(N)]
    yield "gauge", "tcp_tw_reuse", "gauge", [2] * N
    yield "gauge", "source_netlink", "gauge", [1] * N
    shares = [0.02, 0.01, 0.01, 0.6, 0.02, 0.01, 0.01, tw_share, 0.01, 0.0]
    for s, st in zip(shares, TCP):
        yield "tcp_connections", st, "gauge", [int(e * s * 0.8) for e in ent]
    for s, p in zip([0.8, 0.17, 0.02, 0.01], PROTO):
        yield "current_connections", p, "gauge", [int(e * s) for e in ent]
    for t in ERR:
        rate = 0.0
        if h["drops"] and t in ("drop", "early_drop"):
            rate = 3.0
        elif t == "invalid":
            rate = 0.5
        c, vals = 0.0, []
        for _ in range(N):
            c += r.uniform(0, 2) * rate * STEP
            vals.append(int(c))
        yield "errors_total", t, "counter", vals
    for t, rate in zip(OPS, [2000, 300, 1, 0.1]):
        c, vals = 1e6 * r.random(), []
        for _ in range(N):
            c += rate * r.uniform(0.5, 1.5) * STEP
            vals.append(int(c))
        yield "operations_total", t, "counter", vals
    yield "derive_total", "read_failures", "counter", [0] * N
    for d in ("src", "dst"):
        for k in range(5):
            yield "flow", f"{d}-10.{k}.{r.randrange(256)}.{r.randrange(256)}", "gauge", [int(e * 0.05 / (k + 1)) for e in ent]


def fmt(v):
    return "+Inf" if v == math.inf else (str(v) if isinstance(v, int) else f"{v:.6g}")


by_family = {}
for h in hosts():
    for fam, typ, kind, vals in series(h):
        by_family.setdefault((fam, kind), []).append((h["inst"], h["ns"], typ, vals))
    # keep memory bounded: flush families per host would break OpenMetrics grouping,
    # so values are kept; ~170k series x N floats.
with open(OM, "w") as om, open(PT, "w") as pt:
    for (fam, kind), rows in by_family.items():
        name = f"collectd_ctwatch_{fam}"
        om.write(f"# TYPE {name[:-6] if kind == 'counter' else name} {kind}\n")
        for inst, ns, typ, vals in rows:
            lab = f'{name}{{instance="{inst}",ctwatch="{ns}",type="{typ}",job="collectd"}} '
            om.write("".join(f"{lab}{fmt(v)} {t}\n" for v, t in zip(vals, TS)))
            pt.write("".join(f"{lab}{fmt(v)} {t}000\n" for v, t in zip(vals, TS)))
    om.write("# EOF\n")
print(f"gen: {len(set((i, n) for rows in by_family.values() for i, n, _, _ in rows))} namespaces, "
      f"{sum(len(r) for r in by_family.values())} series, {N} samples each", file=sys.stderr)
