#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The fleet recording rules, checked by value against the raw expressions.

    values.py --rules FLEET_RULES.json --dashboard SHIPPED_FLEET.json
              --backend NAME=URL [--backend NAME=URL ...] --time UNIX [--time UNIX ...]

FLEET_RULES.json is `jsonnet mixin/rules/fleet.libsonnet`: per rule the name
it records, its expr, and `dashboard`, the expression the fleet dashboard
computes without the recording rules (the text it replaces).  For every rule,
backend and time (times on the rules' 15 s evaluation grid, where the
evaluation of the backfilled rule at or before it: its sample timestamp,
read back, as backfills do not keep the grid of --start), the recorded
series and the dashboard's raw expression ($namespace = all) are both
queried at that evaluation; they must return the same
series (labels without __name__ and type) with the same values (relative
1e-6).  A raw expression that returns no series at a time fails too: 0 = 0
proves nothing.  Every `dashboard` text must also occur in the shipped fleet
dashboard, or the rule would replace nothing and its value would be unchecked.
"""
import argparse
import json
import math
import sys
import urllib.parse
import urllib.request


def query(url, expr, t):
    q = urllib.parse.urlencode({"query": expr, "time": t})
    with urllib.request.urlopen(f"{url}/api/v1/query?{q}", timeout=300) as r:
        body = json.loads(r.read())
    if body.get("status") != "success":
        raise RuntimeError(f"{expr}: {body}")
    out = {}
    for s in body["data"]["result"]:
        labels = tuple(sorted((k, v) for k, v in s["metric"].items() if k not in ("__name__", "type")))
        out[labels] = float(s["value"][1])
    return out


def evaluation_at(url, record, t):
    """The newest timestamp at which the rule recorded a sample, <= t."""
    q = urllib.parse.urlencode({"query": f"{record}[5m]", "time": t})
    with urllib.request.urlopen(f"{url}/api/v1/query?{q}", timeout=300) as r:
        body = json.loads(r.read())
    stamps = [float(v[0]) for s in body["data"]["result"] for v in s["values"]]
    if not stamps:
        raise RuntimeError(f"{record}: no sample recorded in the 5 minutes before {t}")
    return max(stamps)


def same(a, b):
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rules", required=True)
    ap.add_argument("--dashboard", required=True)
    ap.add_argument("--backend", action="append", required=True)
    ap.add_argument("--time", action="append", type=int, required=True)
    a = ap.parse_args()
    rules = json.load(open(a.rules))
    dash = json.dumps(json.load(open(a.dashboard)))
    bad = []
    for r in rules:
        if json.dumps(r["dashboard"])[1:-1] not in dash:
            bad.append(f"{r['record']}: its dashboard expression is not in {a.dashboard}: {r['dashboard']}")
    for name, url in (b.split("=", 1) for b in a.backend):
        for r in rules:
            raw_expr = r["dashboard"].replace("$namespace", ".*")
            compared, worst = 0, 0.0
            for t0 in a.time:
                t = evaluation_at(url, r["record"], t0)
                rec, raw = query(url, r["record"], t), query(url, raw_expr, t)
                if not raw:
                    bad.append(f"{name} {r['record']} at {t}: the raw expression returns no series")
                    continue
                if set(rec) != set(raw):
                    bad.append(f"{name} {r['record']} at {t}: {len(rec)} recorded series, {len(raw)} raw "
                               f"({len(set(raw) - set(rec))} missing, {len(set(rec) - set(raw))} extra)")
                    continue
                for k, v in raw.items():
                    compared += 1
                    if not same(rec[k], v):
                        worst = max(worst, abs(rec[k] - v))
                        if len([b for b in bad if b.startswith(f"{name} {r['record']}")]) < 3:
                            bad.append(f"{name} {r['record']} at {t} {dict(k)}: recorded {rec[k]!r}, raw {v!r}")
            print(f"{name:16} {r['record']:70} {compared} values compared over {len(a.time)} times")
    if bad:
        print("\n".join("FAIL: " + b for b in bad), file=sys.stderr)
        return 1
    print("values: every recording rule equals the dashboard's raw expression, on every backend and time")
    return 0


if __name__ == "__main__":
    sys.exit(main())
