#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The fleet bench's results: checked, and written into or checked against docs/fleet.md.

    publish.py --before BEFORE.json --after AFTER.json --hosts N --doc docs/fleet.md
               [--update --tolerance F --query-tolerance F --meta KEY=TEXT ...]

BEFORE/AFTER are bench.py's --json of the dashboard and rules as shipped and
of the dashboard on the recording rules (with the recording rules' own
evaluation).  First the machine-independent claims of every run: every query
answered on both backends, every dashboard query and recording rule returns
series, and the dashboard returns the same number of series on the recording
rules as without them.  Then the times: the ratios that do not depend on the
machine (after / before per backend: the recording rules' speed-up, per
query and summed; the recording rules' round against the alert rules'; one
backend against the other) go, with this run's seconds, between the
generated-block markers of --doc with --update; without it, a run at the
host count the block publishes fails when a ratio is outside its tolerance
(a factor: measured / published within [1/F, F]), and a run at another host
count only says that nothing is published for it.
"""
import argparse
import json
import math
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../tests/support"))
import docblock  # noqa: E402  tests/support/docblock.py

BACKENDS = (("prometheus", "Prometheus"), ("victoriametrics", "VictoriaMetrics"))
BEGIN = ("<!-- BEGIN fleet times: written by bench/fleet/run.sh --hosts N -u; a run at the published host count "
         "fails when a ratio is outside its tolerance -->")
END = "<!-- END fleet times -->"
# A query's own after / before is published (and checked) when it took at
# least this long before on that backend; below, HTTP and parsing overhead
# dominate and the ratio is noise around 1.
MIN_CHECKED_S = 0.1


def is_rule(q):
    return q.startswith("rule ")


def is_alert(q):
    return q.startswith("rule Conntrack")


def short(q):
    return q.replace("ctwatch-fleet ", "", 1).replace("|", "/")


def structure(before, after):
    """The claims that do not depend on the machine; a list of failures."""
    bad = []
    for r in list(before.values()) + list(after.values()):
        for n, _ in BACKENDS:
            if r.get(n) is None:
                bad.append(f"{r['query']}: {n} failed: {r.get(n + '_error')}")
            # Every dashboard query and recording rule returns series (gen.py puts
            # a filling, a TIME_WAIT-dominated and a dropping namespace in any
            # fleet): 0 series against 0 series proves nothing. Alert rules may
            # be empty (no alert fires); they are counted.
            elif not is_alert(r["query"]) and not r.get(n + "_series"):
                bad.append(f"{r['query']} on {n}: no series (the data must give every query something to compute)")
    for q, r in after.items():
        b = before.get(q)
        for n, _ in BACKENDS:
            if b and b.get(n + "_series") != r.get(n + "_series"):
                bad.append(f"{q} on {n}: {b.get(n + '_series')} series as shipped, "
                           f"{r.get(n + '_series')} on the recording rules")
    dash = [q for q in before if not is_rule(q)]
    if missing := [q for q in dash if q not in after]:
        bad.append(f"queries of the shipped dashboard missing from the one on the recording rules: {missing}")
    if not [q for q in after if is_rule(q)]:
        bad.append("the run on the recording rules timed no recording rule")
    quiet = sorted(q[5:] for q, r in before.items() if is_alert(q) and not r.get("prometheus_series"))
    print(f"fleet: {len(quiet)} alert rules return no series on this data: " + ", ".join(quiet))
    return bad


def ratios(before, after):
    """{(label, backend): ratio} of the totals, and {(query, backend): ratio} per query."""
    dash = [q for q in before if not is_rule(q)]
    fill = [q for q in dash if q.split()[1].startswith("17")]
    tot, per = {}, {}
    for n, _ in BACKENDS:
        b = {q: before[q][n] for q in before}
        a = {q: after[q][n] for q in after}
        tot["all fleet-dashboard queries together, after / before", n] = sum(a[q] for q in dash) / sum(b[q] for q in dash)
        tot["slowest fleet-dashboard query, after / before", n] = max(a[q] for q in dash) / max(b[q] for q in dash)
        tot["the Fleet fill panel (its 4 targets), after / before", n] = sum(a[q] for q in fill) / sum(b[q] for q in fill)
        tot["a round of the recording rules / a round of the alert rules", n] = \
            sum(a[q] for q in after if is_rule(q)) / sum(b[q] for q in before if is_alert(q))
        for q in dash:
            if b[q] >= MIN_CHECKED_S:
                per[q, n] = a[q] / b[q]
    for kind in ("range", "instant"):
        qs = [q for q in dash if before[q]["kind"] == kind]
        tot[f"{kind} queries as shipped, Prometheus / VictoriaMetrics", "victoriametrics"] = \
            sum(before[q]["prometheus"] for q in qs) / sum(before[q]["victoriametrics"] for q in qs)
    return tot, per


def fmt_tol(f):
    return f"×/÷ {f:.2f}"


def render(before, after, tot, per, hosts, tol, qtol, meta):
    dash = [q for q in before if not is_rule(q)]
    m = meta
    out = [
        "",
        f"Measured at {hosts:,} hosts × 2 namespaces on {m.get('date', '?')}, on {m.get('machine', '?')} "
        f"(the seconds are this machine's; the ratios are what a run checks).  {m.get('gen', '')}.  "
        f"{m.get('versions', '')}; median of {m.get('repeat', '?')} per query.  Loading, when the data was made: "
        f"{m.get('setup', 'not recorded')}.",
        "",
        "| ratio (checked by every run at this host count) | Prometheus | VictoriaMetrics | tolerance |",
        "|---|---|---|---|",
    ]
    labels = list(dict.fromkeys(k for k, _ in tot))
    for lab in labels:
        cells = [f"{tot[lab, n]:.3f}" if (lab, n) in tot else "–" for n, _ in BACKENDS]
        out.append(f"| {lab} | " + " | ".join(cells) + f" | {fmt_tol(tol)} |")
    sums = {}
    for n, _ in BACKENDS:
        sums[n] = (sum(before[q][n] for q in dash), sum(after[q][n] for q in dash),
                   max(dash, key=lambda q: before[q][n]), max(dash, key=lambda q: after[q][n]),
                   sum(before[q][n] for q in before if is_alert(q)), sum(after[q][n] for q in after if is_rule(q)))
    out += ["", "This run's seconds behind them:", ""]
    for n, name in BACKENDS:
        b, a, sb, sa, ar, rr = sums[n]
        out.append(f"- {name}: all fleet-dashboard queries {b:.3f} s before, {a:.3f} s after; slowest "
                   f"{short(sb)} {before[sb][n]:.3f} s before, {short(sa)} {after[sa][n]:.3f} s after; "
                   f"a round of the {sum(map(is_alert, before))} alert rules {ar:.3f} s, "
                   f"of the {sum(map(is_rule, after))} recording rules {rr:.3f} s.")
    out += [
        "",
        f"Per query (fleet panel id + refId), seconds; after / before where the query took ≥ {MIN_CHECKED_S} s "
        f"before on that backend (checked, {fmt_tol(qtol)}; – below that, where overhead makes it noise):",
        "",
        "| query | kind | series | Prometheus before | after | after / before | VictoriaMetrics before | after | after / before |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    rows = sorted(set(before) | set(after), key=lambda q: (is_rule(q), -max(
        before.get(q, after.get(q))["prometheus"], after.get(q, before.get(q))["prometheus"])))
    for q in rows:
        b, a = before.get(q), after.get(q)
        cells = []
        for n, _ in BACKENDS:
            cells += [f"{b[n]:.3f}" if b else "–", f"{a[n]:.3f}" if a else "–",
                      f"{per[q, n]:.3f}" if (q, n) in per else "–"]
        series = (b or a)["prometheus_series"]
        out.append(f"| {short(q)} | {(b or a)['kind']} | {series} | " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"


def published(block):
    """(hosts, {(label, backend): (ratio, tol)}, {(query, backend): (ratio, tol)}) of the doc's block."""
    h = re.search(r"Measured at ([\d,]+) hosts", block)
    qt = re.search(r"checked, ×/÷ ([\d.]+)", block)
    if not h or not qt:
        sys.exit("FAIL: docs/fleet.md's fleet block has no 'Measured at N hosts' or per-query tolerance line (-u rewrites it)")
    tot, per = {}, {}
    for line in block.splitlines():
        c = [x.strip() for x in line.strip().strip("|").split("|")]
        if len(c) == 4 and c[3].startswith("×/÷"):
            for (n, _), v in zip(BACKENDS, c[1:3]):
                if v != "–":
                    tot[c[0], n] = (float(v), float(c[3].split()[1]))
        elif len(c) == 9 and c[1] in ("range", "instant"):
            for (n, _), v in zip(BACKENDS, (c[5], c[8])):
                if v != "–":
                    per["ctwatch-fleet " + c[0], n] = (float(v), float(qt.group(1)))
    return int(h.group(1).replace(",", "")), tot, per


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--before", required=True)
    ap.add_argument("--after", required=True)
    ap.add_argument("--hosts", type=int, required=True)
    ap.add_argument("--doc", required=True)
    ap.add_argument("--update", action="store_true")
    ap.add_argument("--tolerance", type=float, default=1.35, help="factor for the totals (-u)")
    ap.add_argument("--query-tolerance", type=float, default=1.7, help="factor for each query's ratio (-u)")
    ap.add_argument("--meta", action="append", default=[], help="KEY=TEXT for the block's header line")
    a = ap.parse_args()
    before = {r["query"]: r for r in json.load(open(a.before))}
    after = {r["query"]: r for r in json.load(open(a.after))}
    bad = structure(before, after)
    if bad:
        sys.exit("FAIL: " + "\nFAIL: ".join(bad))
    print("fleet: every query answered on both backends; the recording rules give the same series")
    tot, per = ratios(before, after)
    for (lab, n), v in tot.items():
        print(f"fleet: {lab} ({n}): {v:.3f}")
    head, block, tail = docblock.read(a.doc, BEGIN, END)
    if a.update:
        meta = dict(m.split("=", 1) for m in a.meta)
        new = render(before, after, tot, per, a.hosts, a.tolerance, a.query_tolerance, meta)
        open(a.doc, "w").write(head + BEGIN + new + END + tail)
        print(f"fleet: wrote the {a.hosts:,}-host times and ratios into {a.doc}")
        return 0
    hosts, ptot, pper = published(block)
    if hosts != a.hosts:
        print(f"fleet: {a.doc} publishes times for {hosts:,} hosts, not {a.hosts:,}: no published row, "
              "times not checked (-u publishes this run's)")
        return 0
    fails = []
    for kind, pub, got in (("", ptot, tot), ("query ", pper, per)):
        for (q, n), (want, f) in pub.items():
            if (q, n) not in got:
                # Published, but this run's 'before' took < MIN_CHECKED_S: compare anyway.
                b, aft = before.get(q), after.get(q)
                if not b or not aft:
                    fails.append(f"{kind}{short(q)} ({n}): published, but not measured by this run")
                    continue
                got[q, n] = aft[n] / b[n]
            m = got[q, n]
            if max(m / want, want / m) > f or math.isnan(m):
                fails.append(f"{kind}{short(q)} ({n}): measured {m:.3f}, published {want:.3f} {fmt_tol(f)}")
    if fails:
        sys.exit(f"FAIL: the fleet ratios moved from {a.doc}'s ({hosts:,} hosts):\n  " + "\n  ".join(fails) +
                 "\n(a regression, or a noisy machine: rerun on a quiet machine (run.sh takes the bench lock itself); if deliberate, -u)")
    print(f"fleet: {len(ptot)} total and {len(pper)} per-query ratios within the tolerance of {a.doc}'s {hosts:,}-host block")
    return 0


if __name__ == "__main__":
    sys.exit(main())
