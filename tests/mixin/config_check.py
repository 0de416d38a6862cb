#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Targeted assertions on the mixin rendered with tests/mixin/nondefault.libsonnet.

    config_check.py RENDER_DIR

Each _config key must reach every place it is meant to: the selector every
collectd_ctwatch_* selector of every rule expr, description query and
dashboard query; the cluster label every `by (...)` and the dashboards'
variables and selectors; the threshold, `for` and runbook pattern their
alert and the dashboards.  Exit 1 listing every miss.
"""
import json
import re
import sys

import yaml

D = sys.argv[1]
SEL = 'job="x"'
CL = "k8s_cluster"
errors = []


def fail(msg):
    errors.append(msg)


def selectors(text):
    """(metric, matchers text or None) of every collectd_ctwatch_* occurrence."""
    return [(m.group(1), m.group(2)) for m in re.finditer(r"([\w:]*collectd_ctwatch_[\w:]+)(?:\{([^}]*)\})?", text)]


def by_clauses(text):
    return re.findall(r"\bby\s*\(([^)]*)\)", text)


groups = yaml.safe_load(open(f"{D}/rules/prometheus/ctwatch.rules.yml"))["groups"]
rules = groups[0]["rules"]
# fleetRecordingRules: the ctwatch.fleet group, its exprs with the selector,
# and the fleet dashboard reading every recorded series.
records = [r for g in groups if g["name"] == "ctwatch.fleet" for r in g["rules"]]
if len(records) < 4:
    fail(f"fleetRecordingRules: {len(records)} recording rules rendered, want 4")
for r in records:
    if not re.fullmatch(r"[a-z_]+:[a-z_0-9]+:[a-z_0-9]+", r["record"]):
        fail(f"recording rule {r['record']} is not named level:metric:operations")
    for metric, matchers in selectors(r["expr"]):
        if matchers is None or not matchers.startswith(SEL + ", "):
            fail(f"{r['record']}: {metric} without {SEL}")
alerts = {r["alert"]: r for r in rules if "alert" in r}
if len(alerts) < 11:
    fail(f"only {len(alerts)} alerts rendered")
n_sel = n_by = 0
for name, r in alerts.items():
    for where, text in (("expr", r["expr"]), ("description", r["annotations"]["description"])):
        for metric, matchers in selectors(text):
            n_sel += 1
            if matchers is None or not matchers.startswith(SEL + ", "):
                fail(f"{name} {where}: {metric} without {SEL}: {{{matchers}}}")
    for b in by_clauses(r["expr"]):
        n_by += 1
        if not b.startswith(CL + ", "):
            fail(f"{name}: by ({b}) does not keep {CL}")
    url = f"https://runbooks.example.org/ctwatch/{name}.html"
    if r["annotations"].get("runbook_url") != url:
        fail(f"{name}: runbook_url {r['annotations'].get('runbook_url')!r}, want {url!r}")
nf = alerts["ConntrackTableNearlyFull"]
if not re.search(r">= 0\.9\s*$", nf["expr"]):
    fail(f"ConntrackTableNearlyFull does not page at >= 0.9: {nf['expr']}")
if nf["for"] != "2m":
    fail(f"ConntrackTableNearlyFull for {nf['for']}, want 2m")
if "> 1800" not in alerts["ConntrackCensusStale"]["expr"]:
    fail("ConntrackCensusStale does not use censusStaleSeconds 1800")
if "[45m]" not in alerts["ConntrackTimeWaitDominant"]["expr"]:
    fail("ConntrackTimeWaitDominant does not read the census over censusWindow 45m")
if "by (k8s_cluster, instance, ctwatch)" not in alerts["ConntrackMetricsAbsent"]["expr"]:
    fail("ConntrackMetricsAbsent is not grouped per cluster")

pr = yaml.safe_load(open(f"{D}/rules/prometheus/ctwatch.prometheusrule.yaml"))
if pr["spec"]["groups"] != groups:
    fail("PrometheusRule spec differs from the rules file")


def iter_panels(ps):
    for p in ps or []:
        yield p
        yield from iter_panels(p.get("panels"))


for dname, cluster_matcher in (("ctwatch-host", f'{CL}="$cluster"'), ("ctwatch-fleet", f'{CL}=~"$cluster"')):
    d = json.load(open(f"{D}/dashboards/{dname}.json"))
    text = json.dumps(d)
    if d["tags"] != ["conntrack-test"] or d["refresh"] != "30s":
        fail(f"{dname}: tags {d['tags']} refresh {d['refresh']}")
    variables = d["templating"]["list"]
    if [v["name"] for v in variables][:2] != ["datasource", "cluster"]:
        fail(f"{dname}: no cluster variable after datasource: {[v['name'] for v in variables]}")
    cv = variables[1]
    cq = cv["query"]["query"] if isinstance(cv["query"], dict) else cv["query"]
    if cq != f"label_values(collectd_ctwatch_conntrack{{{SEL}}}, {CL})":
        fail(f"{dname}: cluster variable query {cq!r}")
    exprs = [(f"variable ${v['name']}", v["query"]["query"] if isinstance(v["query"], dict) else v["query"])
             for v in variables[2:] if v.get("type") == "query"]
    exprs += [(f"panel {p.get('id')}", t["expr"]) for p in iter_panels(d["panels"]) for t in p.get("targets") or []]
    if len(exprs) < 10:
        fail(f"{dname}: only {len(exprs)} queries")
    for where, e in exprs:
        for metric, matchers in selectors(e):
            n_sel += 1
            if matchers is None or not matchers.startswith(f"{SEL}, {cluster_matcher}"):
                fail(f"{dname} {where}: {metric}{{{matchers}}} lacks {SEL}, {cluster_matcher}")
        for b in by_clauses(e):
            n_by += 1
            if not b.startswith(CL + ", "):
                fail(f"{dname} {where}: by ({b}) does not keep {CL}")
    if '"value": 90' not in text or '"value": 80' in text:
        fail(f"{dname}: threshold steps not at 90 (fillPageRatio 0.9)")
    if "80 %" in text or "90 %" not in text:
        fail(f"{dname}: texts still say 80 % / do not say 90 %")
    if "github.com/ctwatch" in text or "file:///usr/share/doc" in text:
        fail(f"{dname}: a runbook link ignores runbookURLPattern")
    if "https://runbooks.example.org/ctwatch/ConntrackTableNearlyFull.html" not in text:
        fail(f"{dname}: no runbook link from runbookURLPattern")
fleet = json.dumps(json.load(open(f"{D}/dashboards/ctwatch-fleet.json")))
links = re.findall(r'/d/ctwatch-host/[^"]*', fleet)
if len(links) < 3 or any(f"var-cluster=${{__" not in u or f".{CL}}}&var-instance" not in u for u in links):
    fail(f"fleet -> host links do not carry the cluster: {links[:2]}")
for r in records:
    if r["record"] + "{" not in fleet:
        fail(f"fleet dashboard does not read {r['record']}")
if ">= 0.9)" not in fleet:
    fail("fleet: the 'hosts paging' count does not use 0.9")
if "census_age" not in fleet or "> 1800)" not in fleet or "> 900)" in fleet:
    fail("fleet: the stale-census count does not use censusStaleSeconds 1800")
host = json.dumps(json.load(open(f"{D}/dashboards/ctwatch-host.json")))
if "0.9 * collectd_ctwatch_conntrack" not in host:
    fail("host: the paging line is not at 0.9 * max")
if '"value": 1800' not in host:
    fail("host: the census-age panel's red threshold is not censusStaleSeconds 1800")

for e in errors:
    print("FAIL:", e, file=sys.stderr)
print(f"config_check: {n_sel} selectors and {n_by} by clauses checked, {len(errors)} failure(s)")
sys.exit(1 if errors else 0)
