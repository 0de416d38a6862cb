# SPDX-License-Identifier: GPL-2.0-only
"""bench/census_doc.py, the judge of the census benchmark's published rows,
on synthetic results against a copy of docs/performance.md: a run equal to
the published 1M row passes; one ratio moved past the tolerance fails and
names it; an unpublished size passes unless REQUIRE_PUBLISHED=1; -u writes
a row that the next run then passes against, and keeps a published row's
tolerance unless TOLERANCE is set."""
import os
import shutil
import subprocess
import sys
import tempfile

repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(repo, "bench"))
sys.path.insert(0, os.path.join(repo, "tests", "support"))
import census_doc  # noqa: E402

SPREAD = "1 per 60,000"
failures = []


def published(doc, key, entries):
    c = census_doc.Block(doc, key).published(entries, SPREAD)
    if c is None:
        sys.exit(f"FAIL: {doc} publishes no {key} row for {entries:,} entries: publish one with bench/run.sh -u")
    return c


def results(path, entries, census, shares, raw_us=1.5, commands=None):
    with open(path, "w") as f:
        f.write(f"result entries {entries}\nresult raw_us_per_entry {raw_us}\nresult peak_rss_kib 5000\n")
        for k, v in census.items():
            f.write(f"result ratio_{k} {v}\n")
        for k, v in shares.items():
            f.write(f"result parse_ns_{k} {v / 100 * raw_us * 1e3}\n")
        for k, v in (commands or {}).items():
            f.write(f"result cmd {k}={v}\nresult cmd_rss {k}=4000\n")


def run(out, doc, update="0", cmd_rounds="5", env=None):
    return subprocess.run([sys.executable, os.path.join(repo, "bench", "census_doc.py"), out, doc, update, "15",
                           cmd_rounds, SPREAD, "1.0"], capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=os.path.join(repo, "tests", "support"), **(env or {})))


def expect(what, proc, rc_ok, needle=None):
    ok = (proc.returncode == 0) == rc_ok and (needle is None or needle in proc.stdout + proc.stderr)
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)
        print(proc.stdout + proc.stderr)


with tempfile.TemporaryDirectory() as tmp:
    doc = os.path.join(tmp, "performance.md")
    shutil.copy(os.path.join(repo, "docs", "performance.md"), doc)
    out = os.path.join(tmp, "out")
    n = 1000000
    # The published 1M rows, read back through census_doc's own block definitions.
    c = published(doc, "census", n)
    census = {k: float(v) for (k, _), v in zip(census_doc.CENSUS, c[2:])}
    u = published(doc, "user", n)
    shares = {k: float(v) for (k, _), v in zip(census_doc.PARSE, u[2:])}
    m = published(doc, "commands", n)
    cmds = {k: float(v) for (k, _), v in zip(census_doc.COMMANDS, m[2:])}
    tol = float(c[2 + len(census_doc.CENSUS)].lstrip("±"))

    results(out, n, census, shares, commands=cmds)
    expect("the published 1M row itself passes", run(out, doc), True, "within")
    moved = dict(census, census_top_peers=census["census_top_peers"] + tol + 0.02)
    results(out, n, moved, shares, commands=cmds)
    expect("(c) moved past the tolerance fails and is named", run(out, doc), False, "(c) + TopPeers 5")
    results(out, n, census, dict(shares, census=shares["census"] + 3), commands=cmds)
    expect("a user-space share moved by 3 pp fails", run(out, doc), False, "user-space shares, (b) census")
    results(out, n, census, shares, commands=dict(cmds, ctwatch=cmds["ctwatch"] + 1))
    expect("the CLI at +1x a raw dump fails", run(out, doc), False, "`ctwatch --top 5`")
    expect("...but not with too few command rounds to judge", run(out, doc, cmd_rounds="1"), True)
    results(out, 12345, census, shares)
    expect("an unpublished size passes", run(out, doc), True, "publishes no")
    expect("...and fails with REQUIRE_PUBLISHED=1", run(out, doc, env={"REQUIRE_PUBLISHED": "1"}), False,
           "publishes no census ratios row for 12,345")
    expect("-u writes the 12,345 row", run(out, doc, update="1"), True, "wrote the 12,345-entry row")
    expect("...which the next run passes against", run(out, doc, env={"REQUIRE_PUBLISHED": "1"}), True)
    results(out, n, moved, shares, commands=cmds)
    expect("...and the 1M row is still there, unchanged", run(out, doc), False, "(c) + TopPeers 5")

    # Republishing keeps a row's tolerance unless one is asked for.
    results(out, n, census, shares, commands=cmds)
    expect("-u rewrites the 1M row", run(out, doc, update="1"), True)
    kept = published(doc, "census", n)[2 + len(census_doc.CENSUS)]
    ok = kept == c[2 + len(census_doc.CENSUS)]
    print(("ok   " if ok else "FAIL ") + f"...keeping its tolerance {c[2 + len(census_doc.CENSUS)]} (now {kept})")
    if not ok:
        failures.append("-u kept the tolerance")
    expect("-u with TOLERANCE=0.2", run(out, doc, update="1", env={"TOLERANCE": "0.2"}), True)
    now = published(doc, "census", n)[2 + len(census_doc.CENSUS)]
    ok = now == "±0.2"
    print(("ok   " if ok else "FAIL ") + f"...sets it ({now})")
    if not ok:
        failures.append("-u TOLERANCE=0.2")

if failures:
    sys.exit(f"FAIL: {len(failures)} case(s): " + "; ".join(failures))
print("census_doc: every case behaved")
