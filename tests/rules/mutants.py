#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Deliberate breaks of the alerting rules: every alert's threshold and `for`
moved on purpose, one at a time; the promtool cases (rules/prometheus/tests)
must fail for every one of them.

    tests/rules/mutants.py [--only SUBSTRING]      (ctest rules_mutants)

Every alert of the rules file must have a break of its `for` and at least
one of its threshold (or window): an alert added without them fails the run,
so "a case that fails when its threshold or `for:` moves" stays true for
every alert.  Breaks run in parallel, one per CPU.

A break is either a _config change rendered by the mixin (the way a user
would move the number) or, for numbers that live in the alert's expr, a text
edit of the rendered rules file.  Prints one line per break with the test
files that caught it; exit 1 if any break passes every test (a number no
test pins), 77 if jsonnet or promtool is missing.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
RULES = "rules/prometheus/ctwatch.rules.yml"

# The fill gate in the rendered rules (the share of TimeWaitDominant is also >= 0.5).
GATE = '(collectd_ctwatch_conntrack{type="max"} > 0)\n            >= '

# (alert, what, kind, change): kind "config" -> a jsonnet object merged into
# _config; kind "text" -> (old, new) replaced once inside that alert's rule.
BREAKS = [
    ("ConntrackTableNearlyFull", "fillPageRatio 0.8 -> 0.81", "config", "{ fillPageRatio: 0.81 }"),
    ("ConntrackTableNearlyFull", "fillPageRatio 0.8 -> 0.79", "config", "{ fillPageRatio: 0.79 }"),
    ("ConntrackTableNearlyFull", "for 1m -> 2m", "config", "{ alertFor+: { ConntrackTableNearlyFull: '2m' } }"),
    ("ConntrackTableFillingFast", "fillingFastSeconds 300 -> 60", "config", "{ fillingFastSeconds: 60 }"),
    ("ConntrackTableFillingFast", "fillingFastSeconds 300 -> 301", "config", "{ fillingFastSeconds: 301 }"),
    ("ConntrackTableFillingFast", "time_to_full < -> <=", "text", (") < 300", ") <= 300")),
    ("ConntrackTableFillingFast", "fillGateRatio 0.5 -> 0.7", "config", "{ fillGateRatio: 0.7 }"),
    ("ConntrackTableFillingFast", "its gate 0.5 -> 0.49 (only here)", "text", (">= 0.5", ">= 0.49")),
    ("ConntrackTableFillingFast", "for 0m -> 1m", "config", "{ alertFor+: { ConntrackTableFillingFast: '1m' } }"),
    ("ConntrackTableFillingFast", "for 0m -> 30s", "config", "{ alertFor+: { ConntrackTableFillingFast: '30s' } }"),
    ("ConntrackPacketsDropped", "increase > 0 -> > 5", "text", ("[5m]) > 0", "[5m]) > 5")),
    ("ConntrackPacketsDropped", "for 0m -> 1m", "config", "{ alertFor+: { ConntrackPacketsDropped: '1m' } }"),
    ("ConntrackTimeWaitDominant", "timeWaitShareRatio 0.5 -> 0.6", "config", "{ timeWaitShareRatio: 0.6 }"),
    ("ConntrackTimeWaitDominant", "its gate 0.5 -> 0.6 (only here)", "text", (GATE + "0.5", GATE + "0.6")),
    ("ConntrackTimeWaitDominant", "for 10m -> 5m", "config", "{ alertFor+: { ConntrackTimeWaitDominant: '5m' } }"),
    ("ConntrackTableFillingUp", "predicted >= 1 -> >= 1.2", "text", (">= 1\n", ">= 1.2\n")),
    ("ConntrackTableFillingUp", "its gate 0.5 -> 0.6 (only here)", "text", (">= 0.5", ">= 0.6")),
    ("ConntrackTableFillingUp", "for 15m -> 10m", "config", "{ alertFor+: { ConntrackTableFillingUp: '10m' } }"),
    ("ConntrackEarlyDrops", "increase > 0 -> > 5", "text", ("[10m]) > 0", "[10m]) > 5")),
    ("ConntrackEarlyDrops", "for 0m -> 1m", "config", "{ alertFor+: { ConntrackEarlyDrops: '1m' } }"),
    ("ConntrackMaxNotTuned", "max <= 262144 -> <= 131072", "text", ("<= 262144", "<= 131072")),
    ("ConntrackMaxNotTuned", "its gate 0.5 -> 0.6 (only here)", "text", (">= 0.5", ">= 0.6")),
    ("ConntrackMaxNotTuned", "for 15m -> 10m", "config", "{ alertFor+: { ConntrackMaxNotTuned: '10m' } }"),
    ("ConntrackTimeWaitTimeoutLong", "timeWaitTimeoutSeconds 60 -> 120", "config", "{ timeWaitTimeoutSeconds: 120 }"),
    ("ConntrackTimeWaitTimeoutLong", "its share 0.5 -> 0.6 (only here)", "text", (">= 0.5", ">= 0.6")),
    ("ConntrackTimeWaitTimeoutLong", "for 10m -> 5m", "config", "{ alertFor+: { ConntrackTimeWaitTimeoutLong: '5m' } }"),
    ("ConntrackTcpTwReuseEnabled", "tcp_tw_reuse == 1 -> == 2", "text", ("== 1)", "== 2)")),
    ("ConntrackTcpTwReuseEnabled", "its gate 0.5 -> 0.6 (only here)", "text", (">= 0.5", ">= 0.6")),
    ("ConntrackTcpTwReuseEnabled", "for 15m -> 10m", "config", "{ alertFor+: { ConntrackTcpTwReuseEnabled: '10m' } }"),
    ("ConntrackCensusStale", "censusStaleSeconds 900 -> 600", "config", "{ censusStaleSeconds: 600 }"),
    ("ConntrackCensusStale", "censusWindow 30m -> 10m", "config", "{ censusWindow: '10m' }"),
    ("ConntrackCensusStale", "for 5m -> 1m", "config", "{ alertFor+: { ConntrackCensusStale: '1m' } }"),
    ("ConntrackNamespaceUnsampled", "unsampled > 0 -> > 1", "text", ("}) > 0", "}) > 1")),
    ("ConntrackNamespaceUnsampled", "for 5m -> 1m", "config", "{ alertFor+: { ConntrackNamespaceUnsampled: '1m' } }"),
    ("ConntrackMetricsAbsent", "absent for [10m] -> [5m]", "text", ("[10m]", "[5m]")),
    ("ConntrackMetricsAbsent", "for 0m -> 5m", "config", "{ alertFor+: { ConntrackMetricsAbsent: '5m' } }"),
    ("ConntrackHashChainsTooLong", "chainsFullRatio 0.9 -> 0.95", "config", "{ chainsFullRatio: 0.95 }"),
    ("ConntrackHashChainsTooLong", "increase > 0 -> > 5", "text", ("[5m]) > 0", "[5m]) > 5")),
    ("ConntrackHashChainsTooLong", "for 0m -> 1m", "config", "{ alertFor+: { ConntrackHashChainsTooLong: '1m' } }"),
    ("ConntrackInsertClashesUnresolved", "> 0.5 -> > 1.5", "text", (") > 0.5", ") > 1.5")),
    ("ConntrackInsertClashesUnresolved", "for 0m -> 1m", "config", "{ alertFor+: { ConntrackInsertClashesUnresolved: '1m' } }"),
    ("ConntrackMaxBelowRecommended", "headroom x2 -> x1.5", "text", (")) * 2", ")) * 1.5")),
    ("ConntrackMaxBelowRecommended", "for 1h -> 30m", "config", "{ alertFor+: { ConntrackMaxBelowRecommended: '30m' } }"),
]


def render(out, config):
    os.makedirs(os.path.join(out, "rules/prometheus"), exist_ok=True)
    os.makedirs(os.path.join(out, "rules/alertmanager"), exist_ok=True)
    cfg = os.path.join(out, "config.libsonnet")
    with open(cfg, "w") as f:
        f.write(config)
    subprocess.run(["jsonnet", "-S", "-m", out, "--tla-str", "part=text", "--tla-code-file", f"config={cfg}", "render.jsonnet"],
                   cwd=os.path.join(ROOT, "mixin"), check=True, stdout=subprocess.DEVNULL)


def edit(path, alert, old, new):
    text = open(path).read()
    start = text.index(f"- alert: {alert}\n")
    end = text.find("- alert: ", start + 1)
    end = len(text) if end < 0 else end
    rule = text[start:end]
    if old not in rule:
        raise SystemExit(f"mutants.py: {alert}: {old!r} not in the rule: update the break list")
    if old == new:
        raise SystemExit(f"mutants.py: {alert}: a break that changes nothing")
    open(path, "w").write(text[:start] + rule.replace(old, new, 1) + text[end:])


def failing_files(out):
    """Runs every promtool test file against out's rules; returns the failing ones."""
    tests = os.path.join(out, "rules/prometheus/tests")
    files = sorted(f for f in os.listdir(tests) if f.endswith(".test.yml"))
    r = subprocess.run(["promtool", "test", "rules"] + files, cwd=tests, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    failed, cur = [], None
    for line in r.stdout.splitlines():
        m = re.match(r"Unit Testing:\s+(\S+)", line)
        if m:
            cur = m.group(1)
        elif line.strip().startswith("FAILED") and cur and cur not in failed:
            failed.append(cur)
    if r.returncode != 0 and not failed:
        failed.append("(promtool failed: " + r.stdout.strip().splitlines()[-1] + ")")
    return failed


def main():
    only = sys.argv[2] if sys.argv[1:2] == ["--only"] else ""
    for tool in ("jsonnet", "promtool"):
        if not shutil.which(tool):
            print(f"mutants.py: {tool} is not installed", file=sys.stderr)
            return 77
    tmp = tempfile.mkdtemp(prefix="mutants.")
    try:
        base = os.path.join(tmp, "base")
        render(base, "{}")
        if open(os.path.join(base, RULES)).read() != open(os.path.join(ROOT, RULES)).read():
            raise SystemExit("mutants.py: the default render differs from the committed rules file (run mixin/render.sh)")
        shutil.copytree(os.path.join(ROOT, "rules/prometheus/tests"), os.path.join(base, "rules/prometheus/tests"))
        if failing_files(base):
            raise SystemExit("mutants.py: the promtool tests fail on the unbroken rules")
        alerts = re.findall(r"- alert: (\w+)", open(os.path.join(base, RULES)).read())
        missing = [f"{a} ({k})" for a in alerts for k in ("for", "threshold")
                   if not any(b[0] == a and (b[1].startswith("for ")) == (k == "for") for b in BREAKS)]
        if missing and not only:
            raise SystemExit("mutants.py: no break of " + ", ".join(missing) + ": add one to BREAKS")
        chosen = [(n, b) for n, b in enumerate(BREAKS) if only in b[0] + " " + b[1]]

        def run(item):
            n, (alert, what, kind, change) = item
            out = os.path.join(tmp, f"m{n}")
            if kind == "config":
                render(out, change)
            else:
                os.makedirs(os.path.join(out, "rules/prometheus"))
                shutil.copy(os.path.join(base, RULES), os.path.join(out, RULES))
                edit(os.path.join(out, RULES), alert, *change)
            if open(os.path.join(out, RULES)).read() == open(os.path.join(base, RULES)).read():
                raise SystemExit(f"mutants.py: {alert} {what}: the rules file did not change")
            shutil.copytree(os.path.join(base, "rules/prometheus/tests"), os.path.join(out, "rules/prometheus/tests"))
            failed = failing_files(out)
            shutil.rmtree(out, ignore_errors=True)
            return alert, what, failed

        survivors = 0
        covered = set()
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            for alert, what, failed in pool.map(run, chosen):
                covered.add(alert)
                if failed:
                    print(f"caught   {alert:33} {what:36} -> {', '.join(failed)}")
                else:
                    survivors += 1
                    print(f"SURVIVES {alert:33} {what:36} -> every promtool test passes")
        print(f"mutants: {len(covered)} alerts, {len(chosen)} breaks, {survivors} survive")
        return 1 if survivors else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
