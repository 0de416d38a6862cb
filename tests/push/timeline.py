#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""docs/push.md's timeline block is push_e2e's output (issue 19).

  timeline.py ROWS.jsonl DOC --limit N [-u]

ROWS.jsonl: what tests/push/judge.py measured in one run of run.sh (one
object per ramp namespace, seconds after its start; one per quiet
namespace and phase; run.sh adds {"run": {date, kernel, cpus}}). run.sh
calls it at the end of every run; run by hand with -u, it publishes a run
kept with PUSH_TIMELINE=FILE (e.g. the most central of several). DOC holds the block between the push-timeline
markers (read with tests/support/docblock.py):

  * the timeline of one run: absolute times, context only (they follow how
    fast the chatty client fills the table on that machine);
  * the judged table: per ramp namespace, the stages' gaps and the lead
    (table at 50 % -> notification dispatched -> Alertmanager received ->
    page delivered -> first drop), which do not depend on the machine, and
    Prometheus's own FillingFast after the push's tick, which depends on
    the scrape/evaluation alignment and is judged against the window any
    alignment allows; its first row holds the tolerances;
  * the lead-time comparison and the page as delivered, rendered from the
    same rows.

Without -u: fails (exit 1, one line per miss naming phase, namespace,
measured and published) when a judged number of this run is off the
published one by more than the tolerance row says, or outside the window;
and when the block is not what its own timeline renders (edited by hand).
With -u: writes this run into the block, keeping the published tolerances
(the block is their one source; TOLERANCE below only seeds a block that
has none).
"""

import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "support"))
import docblock  # noqa: E402  (tests/support/docblock.py)

BEGIN = ("<!-- BEGIN push timeline: written by tests/push/run.sh PLUGIN_SO FILL_TOOL -u; push_e2e fails "
         "when a judged number leaves its tolerance -->")
END = "<!-- END push timeline -->"
REAL_MAX = 262144  # the table the scaled ramps stand for

# The timeline's columns: (key, heading).
TIMES = [("gate", "table at 50 %"), ("dispatched", "condition true = notification dispatched"),
         ("received", "Alertmanager received"), ("delivered", "page delivered"), ("drop", "first drop"),
         ("prometheus", "Prometheus's own FillingFast fired")]
# The judged columns: (key, heading, value from a row).
JUDGED = [
    ("decide", "table at 50 % → dispatched", lambda r: r["dispatched"] - r["gate"]),
    ("post", "dispatched → Alertmanager received", lambda r: r["received"] - r["dispatched"]),
    ("wait", "Alertmanager received → page delivered (group_wait 10 s)", lambda r: r["delivered"] - r["received"]),
    ("lead", "**page before the first drop**", lambda r: r["drop"] - r["delivered"]),
    ("prom", "Prometheus's FillingFast after the push's tick", lambda r: r["prometheus"] - r["dispatched"]),
]
FN = {k: f for k, _, f in JUDGED}
# Seeds the tolerance row of a block that has none: ±s, or (low, high) for a window.
TOLERANCE = {"decide": 1.5, "post": 0.5, "wait": 1.0, "lead": 3.0, "prom": (-1.0, 75.0)}


def fmt(x):
    return "-" if x is None else f"{x:.1f}"


def value(fn, r):
    try:
        return fn(r)
    except (TypeError, KeyError):  # a stage that did not happen (None)
        return None


def tol_cell(t):
    return f"window {t[0]:g} to {t[1]:g}" if isinstance(t, tuple) else f"±{t:.1f}"


def parse_tol(cell):
    cell = cell.strip()
    m = re.fullmatch(r"window (-?[0-9.]+) to (-?[0-9.]+)", cell)
    if m:
        return float(m.group(1)), float(m.group(2))
    m = re.fullmatch(r"±([0-9.]+)", cell)
    if m:
        return float(m.group(1))
    sys.exit(f"FAIL: docs/push.md's push timeline: tolerance cell {cell!r} is neither ±X nor 'window A to B'")


def scaled(rate, limit):
    return f"{round(float(rate) * REAL_MAX / limit, -3):,.0f}/s"


def render_timeline(rows, limit):
    out = [f"| phase | namespace | ramp (entries/s on {limit:,}) | "
           + " | ".join(h for _, h in TIMES) + " |", "|---|---|---|" + "---|" * len(TIMES)]
    for r in rows:
        out.append(f"| {r['phase']} | {r['namespace']} | {r['rate']} | "
                   + " | ".join(fmt(r[k]) for k, _ in TIMES) + " |")
    return "\n".join(out)


def render_judged(rows, tol):
    out = ["| namespace | " + " | ".join(h for _, h, _ in JUDGED) + " |", "|---|" + "---|" * len(JUDGED),
           "| tolerance | " + " | ".join(tol_cell(tol[k]) for k, _, _ in JUDGED) + " |"]
    for r in rows:
        out.append(f"| {r['namespace']} | " + " | ".join(fmt(value(f, r)) for _, _, f in JUDGED) + " |")
    return "\n".join(out)


def render_compare(rows, tol, limit):
    out = [f"| ramp on {REAL_MAX:,} (here on {limit:,}) | push: page before the first drop | "
           "Prometheus 15 s scrape/eval | Prometheus 30 s scrape/eval, measured beside the push path |",
           "|---|---|---|---|"]
    lo, hi = tol["prom"]
    for rate in sorted({r["rate"] for r in rows}, key=float):
        mine = [r for r in rows if r["rate"] == rate]
        push = ", ".join(f"{fmt(value(FN['lead'], r))} s ({r['namespace']})" for r in mine)
        if float(rate) * REAL_MAX / limit <= 2000.5:
            p15 = ("docs/alerting.md's lead-time table, the 2000/s rows (worst modelled alignment; "
                   "ctest rules_production)")
        else:
            p15 = ("not modelled by a test (tests/rules/production_sim.cpp stops at 2,000/s); "
                   "a shorter lead than at 2,000/s")
        p30 = []
        for r in mine:
            if r.get("prometheus") is None:
                continue
            alone = round(r["drop"] - (r["prometheus"] + (r["delivered"] - r["received"])), 1) or 0.0
            when = f"{alone:.1f} s before" if alone >= 0 else f"{-alone:.1f} s **after**"
            p30.append(f"{r['namespace']}: fired at +{fmt(r['prometheus'])} s, "
                       f"{fmt(value(FN['prom'], r))} s after the push's tick, so its page alone would "
                       f"come {when} the drop")
        p30 = "; ".join(p30) + f" (any alignment: {lo:g} to {hi:g} s after the push's tick)"
        out.append(f"| {scaled(rate, limit)} ({rate}/s) | page {push} before the drop | {p15} | {p30} |")
    return "\n".join(out)


def render(rows, quiet, run, limit, tol):
    meta = (f"One run of push_e2e ({run.get('date', '?')}, kernel {run.get('kernel', '?')}, {run.get('cpus', '?')} "
            "CPUs), seconds after each ramp's start. These times are context: they follow how fast the chatty "
            "client fills the table on that machine.")
    parts = [meta, render_timeline(rows, limit),
             "Judged on every run: the same run's gaps and leads, in seconds. push_e2e fails when one is off "
             "the value below by more than the tolerance row, or outside its window.",
             render_judged(rows, tol),
             "Lead time by ramp rate (this run):",
             render_compare(rows, tol, limit)]
    page = next((r for r in rows if r.get("page") and r["rate"] == min((x["rate"] for x in rows), key=float)), None)
    if page:
        parts.append(f"The page as delivered ({page['namespace']}, this run): `{page['page']}`")
    if quiet:
        q = max(quiet, key=lambda x: x["seconds"])
        parts.append(f"Namespace `{q['quiet']}` (judged: any alert fails the run): fill {q['low'] * 100:.0f} % to "
                     f"{q['high'] * 100:.0f} % over {q['seconds']} s, {q['alerts']} alerts, {q['notifications']} "
                     "notifications.")
    return "\n" + "\n\n".join(parts) + "\n"


def table_rows(block, first_heading):
    """The data rows (lists of cells) of the Markdown table whose header starts with FIRST_HEADING."""
    lines = block.splitlines()
    for i, line in enumerate(lines):
        if line.startswith(f"| {first_heading} |"):
            rows = []
            for row in lines[i + 2:]:
                if not row.startswith("|"):
                    break
                rows.append([c.strip() for c in row.strip().strip("|").split("|")])
            return rows
    sys.exit(f"FAIL: docs/push.md's push timeline has no table starting with {first_heading!r}")


def published(block):
    rows = []
    for c in table_rows(block, "phase"):
        if len(c) != 3 + len(TIMES):
            sys.exit(f"FAIL: docs/push.md's push timeline: a row with {len(c)} cells: {c}")
        r = {"phase": c[0], "namespace": c[1], "rate": c[2]}
        for (k, _), cell in zip(TIMES, c[3:]):
            r[k] = None if cell == "-" else float(cell)
        rows.append(r)
    judged = table_rows(block, "namespace")
    if not judged or judged[0][0] != "tolerance":
        sys.exit("FAIL: docs/push.md's push timeline: the judged table's first row is not the tolerance row")
    tol = {k: parse_tol(cell) for (k, _, _), cell in zip(JUDGED, judged[0][1:])}
    if len(tol) != len(JUDGED) or not isinstance(tol["prom"], tuple):
        sys.exit("FAIL: docs/push.md's push timeline: the tolerance row needs one cell per judged column, "
                 "the last a window")
    return rows, tol


def main():
    args = [a for a in sys.argv[1:] if a != "-u"]
    update = "-u" in sys.argv[1:]
    if len(args) != 4 or args[2] != "--limit":
        sys.exit("usage: timeline.py ROWS.jsonl DOC --limit N [-u]")
    rows_file, doc, limit = args[0], args[1], int(args[3])
    measured, quiet, run = [], [], {}
    for line in open(rows_file):
        r = json.loads(line)
        if "run" in r:
            run = r["run"]
        else:
            (quiet if "quiet" in r else measured).append(r)
    head, block, tail = docblock.read(doc, BEGIN, END)
    if not block.strip():
        if not update:
            sys.exit(f"FAIL: {doc}'s push timeline block is empty: run tests/push/run.sh PLUGIN_SO FILL_TOOL -u")
        pub, tol = [], dict(TOLERANCE)
    else:
        pub, tol = published(block)
    if update:
        if not measured:
            sys.exit("FAIL: -u: no ramp was measured; nothing written")
        # Render from what the block will show (0.1 s), as the check re-renders it.
        measured = [{k: (round(v, 1) if k in dict(TIMES) and v is not None else v) for k, v in r.items()}
                    for r in measured]
        with open(doc, "w") as f:
            f.write(head + BEGIN + render(measured, quiet, run, limit, tol) + END + tail)
        print(f"wrote this run's timeline into {doc} (tolerances kept: "
              + ", ".join(f"{k} {tol_cell(t)}" for k, t in tol.items()) + ")")
        return 0

    fails = []
    # The block must be what its own timeline renders: no number in it is typed by hand.
    for part in (render_timeline(pub, limit), render_judged(pub, tol), render_compare(pub, tol, limit)):
        if part not in block:
            lines = block.splitlines()
            fails.append("the block is not what its own timeline renders (edited by hand?); it should read:\n  "
                         + "\n  ".join(x for x in part.splitlines() if x not in lines))
    got = {r["namespace"]: r for r in measured}
    for p in pub:
        ns, phase = p["namespace"], p["phase"]
        m = got.pop(ns, None)
        if m is None:
            fails.append(f"phase {phase}, {ns}: no page measured this run (the judge failed above)")
            continue
        for key, heading, fn in JUDGED:
            want, have, t = value(fn, p), value(fn, m), tol[key]
            name = heading.strip("*")
            if want is None and have is None:
                continue
            if have is None:
                fails.append(f"phase {phase}, {ns}: {name}: not measured this run, published {fmt(want)} s")
            elif isinstance(t, tuple):
                if not t[0] <= have <= t[1]:
                    fails.append(f"phase {phase}, {ns}: {name}: {have:.1f} s, outside the window "
                                 f"{t[0]:g} to {t[1]:g} s")
            elif want is None:
                fails.append(f"phase {phase}, {ns}: {name}: {have:.1f} s, but nothing published")
            elif abs(have - want) > t:
                fails.append(f"phase {phase}, {ns}: {name}: measured {have:.1f} s, published {want:.1f} s "
                             f"± {t:.1f} s")
    for ns, m in got.items():
        fails.append(f"phase {m['phase']}, {ns}: measured, but no published row (run.sh ... -u writes one)")
    for f in fails:
        print(f"FAIL: docs/push.md's push timeline: {f}", file=sys.stderr)
    if fails:
        print("If the change is deliberate, review this run's numbers (above) and rewrite the block with "
              "tests/push/run.sh PLUGIN_SO FILL_TOOL -u", file=sys.stderr)
        return 1
    print(f"ok:   {len(pub)} ramps within docs/push.md's published timeline ("
          + ", ".join(f"{h.strip('*')} {tol_cell(tol[k])} s" for k, h, _ in JUDGED) + ")")
    return 0


if __name__ == "__main__":
    sys.exit(main())
