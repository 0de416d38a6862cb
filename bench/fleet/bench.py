#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Times every fleet-dashboard query and every rule expression.

    bench.py --end UNIX --backend NAME=URL [--backend NAME=URL ...]
             [--rules FILE]... [--dashboard FILE]... [--repeat 3] [--json OUT]

Dashboard targets ($namespace = All, $__rate_interval 1m, $__range 1h) as
Grafana sends them: an instant query at --end for targets with
"instant": true (stats, bar gauges, tables), otherwise a range query over the
last hour at step 15 s (time series; a 6 h panel at ~1,000 px asks for 6x the
points at ~20 s); variable queries as instant count by (LABEL) (SELECTOR);
rule exprs: an instant query at --end (one evaluation).  Each query runs
--repeat times per backend; the median wall time (HTTP round trip) is
reported, slowest first, side by side with the ratio between backends.
"""
import argparse
import json
import re
import statistics
import sys
import time
import urllib.parse
import urllib.request

import yaml

VARS = {"__rate_interval": "1m", "__interval": "15s", "__range": "1h", "namespace": ".*", "cluster": ".*"}
_VAR = re.compile(r"\$\{(\w+)(?::\w+)?\}|\$(\w+)")
_LV = re.compile(r"^\s*label_values\s*\((.*),\s*(\w+)\s*\)\s*$", re.S)


def subst(e):
    return _VAR.sub(lambda m: VARS[m.group(1) or m.group(2)], e)


def iter_panels(ps):
    for p in ps or []:
        yield p
        yield from iter_panels(p.get("panels"))


def queries(dashboards, rule_files):
    out = []
    for path in dashboards:
        d = json.load(open(path))
        name = d.get("uid", path)
        for v in d["templating"]["list"]:
            if v.get("type") == "query":
                q = v["query"]["query"] if isinstance(v["query"], dict) else v["query"]
                m = _LV.match(q)
                out.append((f"{name} var ${v['name']}", f"count by ({m.group(2)}) ({m.group(1)})", "instant"))
        for p in iter_panels(d["panels"]):
            for t in p.get("targets") or []:
                out.append((f"{name} {p['id']}{t.get('refId', '')} {p.get('title', '')[:38]}", subst(t["expr"]),
                            "instant" if t.get("instant") else "range"))
    for f in rule_files:
        for g in yaml.safe_load(open(f))["groups"]:
            for r in g["rules"]:
                out.append((f"rule {r.get('alert') or r.get('record')}", r["expr"], "instant"))
    return out


def run(url, expr, kind, end):
    if kind == "range":
        params = {"query": expr, "start": end - 3600, "end": end, "step": 15}
        path = "/api/v1/query_range"
    else:
        params = {"query": expr, "time": end}
        path = "/api/v1/query"
    t = time.perf_counter()
    with urllib.request.urlopen(f"{url}{path}?{urllib.parse.urlencode(params)}", timeout=300) as r:
        body = json.loads(r.read())
    dt = time.perf_counter() - t
    if body.get("status") != "success":
        raise RuntimeError(f"{expr}: {body}")
    res = body["data"]["result"]
    return dt, len(res)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--end", type=int, required=True)
    ap.add_argument("--backend", action="append", required=True)
    ap.add_argument("--rules", action="append", default=[])
    ap.add_argument("--dashboard", action="append", default=[])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json")
    a = ap.parse_args()
    backends = [b.split("=", 1) for b in a.backend]
    qs = queries(a.dashboard, a.rules)
    rows = []
    for where, expr, kind in qs:
        row = {"query": where, "kind": kind, "expr": expr}
        for name, url in backends:
            try:
                times, n = [], 0
                for _ in range(a.repeat):
                    dt, n = run(url, expr, kind, a.end)
                    times.append(dt)
                row[name] = statistics.median(times)
                row[name + "_series"] = n
            except Exception as e:  # noqa: BLE001 - reported, not fatal
                row[name] = None
                row[name + "_error"] = str(e)[:200]
        rows.append(row)
        print(f"{where:60.60} " + " ".join(
            f"{n}={row[n]:.3f}s/{row.get(n + '_series')}" if row[n] is not None else f"{n}=ERROR"
            for n, _ in backends), file=sys.stderr, flush=True)
    first = backends[0][0]
    rows.sort(key=lambda r: -(r.get(first) or 0))
    hdr = "| query | kind | " + " | ".join(f"{n} s" for n, _ in backends) + (" | ratio |" if len(backends) == 2 else " |")
    print(hdr)
    print("|" + "---|" * (hdr.count("|") - 1))
    for r in rows:
        cells = [f"{r[n]:.3f}" if r.get(n) is not None else "error" for n, _ in backends]
        ratio = ""
        if len(backends) == 2 and r.get(backends[0][0]) and r.get(backends[1][0]):
            ratio = f" {r[backends[0][0]] / r[backends[1][0]]:.1f} |"
        elif len(backends) == 2:
            ratio = " - |"
        print(f"| {r['query']} | {r['kind']} | " + " | ".join(cells) + " |" + ratio)
    tot = {n: sum(r[n] for r in rows if r.get(n)) for n, _ in backends}
    print("\ntotal: " + ", ".join(f"{n} {t:.2f} s" for n, t in tot.items()) +
          f"; slowest ({first}): {rows[0]['query']} {rows[0][first]:.3f} s")
    if a.json:
        json.dump(rows, open(a.json, "w"), indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
