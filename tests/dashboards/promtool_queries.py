#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Parses every dashboard query with Prometheus's own parser (promtool).

    promtool_queries.py [--keep FILE] DASHBOARD.json...
    promtool_queries.py --self-test

Every target expr and every template-variable query of every panel (rows'
nested panels included) becomes a recording rule, in a group named after
its panel, with the Grafana variables replaced by test values
($__rate_interval, $__interval -> 1m, $__range -> 1h, any other $var /
${var} / [[var]] -> "x"); a variable query label_values(SELECTOR, LABEL)
becomes count by (LABEL) (SELECTOR).  `promtool check rules` then parses
them all: a syntax error, an unknown function, a bad matcher or duration
names its dashboard and panel.  What a parser cannot tell (metric, label
and type names against the contract, undefined variables) is lint.py's job.

Exit status: 0 all parse, 1 a query does not parse (or no query found),
2 usage error.
"""

import json
import os
import re
import subprocess
import sys
import tempfile

BUILTIN_DURATIONS = {"__rate_interval": "1m", "__interval": "1m", "__range": "1h"}
_VARIABLE = re.compile(r"\$\{(?P<b>\w+)(?::\w+)?\}|\[\[(?P<o>\w+)(?::\w+)?\]\]|\$(?P<s>\w+)")
_LABEL_VALUES = re.compile(r"^\s*label_values\s*\((?P<sel>.*),\s*(?P<label>[A-Za-z_]\w*)\s*\)\s*$", re.S)


def substitute(expr):
    def repl(m):
        name = m.group("b") or m.group("o") or m.group("s")
        return BUILTIN_DURATIONS.get(name, "x")
    return _VARIABLE.sub(repl, expr)


def variable_promql(q):
    m = _LABEL_VALUES.match(q)
    if not m:
        return None
    return f"count by ({m.group('label')}) ({m.group('sel')})"


def iter_panels(panels):
    for p in panels or []:
        yield p
        yield from iter_panels(p.get("panels"))


def queries(path):
    """(where, promql) for every query of the dashboard at path."""
    return queries_of(json.load(open(path)), os.path.basename(path))


def queries_of(d, name):
    """(where, promql) for every query of the dashboard object d."""
    out = []
    for v in d.get("templating", {}).get("list", []):
        if v.get("type") != "query":
            continue
        q = v.get("query")
        q = q.get("query") if isinstance(q, dict) else q
        pq = variable_promql(q or "")
        out.append((f"{name} variable ${v.get('name')}", pq if pq else f"label_values is the only supported form: {q}"))
    for p in iter_panels(d.get("panels")):
        for t in p.get("targets") or []:
            out.append((f"{name} panel {p.get('id')} \"{p.get('title', '')}\" ref {t.get('refId')}",
                        t.get("expr", "")))
    return out


def rules_doc(qs):
    # One group per query: promtool names the group of a failing rule.
    # json is YAML, so no YAML library is needed.
    return json.dumps({"groups": [
        {"name": where, "rules": [{"record": f"dashboard:query:{i}", "expr": substitute(expr)}]}
        for i, (where, expr) in enumerate(qs)]}, indent=1)


def promtool_errors(qs, keep=None):
    """promtool's complaints about the queries qs ([] if all parse)."""
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as f:
        f.write(rules_doc(qs))
        path = f.name
    try:
        try:
            r = subprocess.run(["promtool", "check", "rules", path], capture_output=True, text=True)
        except FileNotFoundError:
            return ["promtool is not installed (Debian: prometheus); it parses the queries"]
        if keep:
            with open(keep, "w") as k:
                k.write(open(path).read())
    finally:
        os.unlink(path)
    if r.returncode == 0:
        return []
    errs = [line.split(": ", 1)[-1] for line in (r.stdout + r.stderr).splitlines() if path in line]
    return errs or [(r.stdout + r.stderr).strip()]


def check(qs, keep=None):
    if not qs:
        print("promtool_queries: no queries found", file=sys.stderr)
        return 1
    errs = promtool_errors(qs, keep)
    if errs:
        sys.stderr.write("\n".join(errs) + "\n")
        print(f"promtool_queries: promtool rejects dashboard queries (groups named by dashboard and panel above)",
              file=sys.stderr)
        return 1
    print(f"promtool_queries: {len(qs)} queries parse (promtool check rules)")
    return 0


def self_test():
    ok = check([("good", 'sum by (type) (rate(collectd_ctwatch_errors_total{ctwatch=~"$namespace"}[$__rate_interval]))'),
                ("var", variable_promql('label_values(collectd_ctwatch_conntrack{instance="$instance"}, ctwatch)'))]) == 0
    bad = [("unbalanced", 'sum(collectd_ctwatch_conntrack{type="max"}'),
           ("unknown function", 'rates(collectd_ctwatch_errors_total[5m])'),
           ("bad duration", "rate(collectd_ctwatch_errors_total[5x])"),
           ("by after binary", 'a + by (x) b')]
    for where, e in bad:
        if check([(where, e)]) == 0:
            print(f"self-test: {where!r} was not rejected: {e}", file=sys.stderr)
            ok = False
    print("self-test:", "all passed" if ok else "FAILED")
    return 0 if ok else 1


def main():
    args = sys.argv[1:]
    if args == ["--self-test"]:
        return self_test()
    keep = None
    if len(args) >= 2 and args[0] == "--keep":
        keep, args = args[1], args[2:]
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    qs = [q for a in args for q in queries(a)]
    return check(qs, keep)


if __name__ == "__main__":
    sys.exit(main())
