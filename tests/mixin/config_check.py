#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Targeted assertions on the mixin rendered with tests/mixin/nondefault.libsonnet.

    config_check.py RENDER_DIR NONDEFAULT.json DEFAULTS.json             all must pass
    config_check.py --on-default RENDER_DIR NONDEFAULT.json DEFAULTS.json every one must FAIL

NONDEFAULT.json: tests/mixin/nondefault.libsonnet as JSON; DEFAULTS.json: the
default _config (mixin/config.libsonnet).  Each assertion is named after the
_config key it proves reaches the output (the selector every collectd_ctwatch_*
selector of every rule expr, description query and dashboard query; the
cluster label every `by (...)`; each threshold its alerts and the dashboards;
each alert's `for`; the runbook pattern, the PrometheusRule metadata, the
Alertmanager example's grouping...).  With --on-default, run on the default
render, every one of them must fail on its own, so none of them passes by
accident.  Also checked: nondefault.libsonnet sets every key (and every
alert's `for`) to a non-default value, and every key has an assertion.
Exit 1 listing every miss.
"""
import json
import re
import sys

import yaml

args = sys.argv[1:]
ON_DEFAULT = args[:1] == ["--on-default"]
if ON_DEFAULT:
    args = args[1:]
D, ND, DEF = args[0], json.load(open(args[1])), json.load(open(args[2]))
SEL = ND["ctwatchSelector"]
CL = ND["clusterLabel"]
# Keys checked by config_check.sh itself (an unknown key renders only with
# strictConfigKeys false).
CHECKED_ELSEWHERE = {"strictConfigKeys"}

CHECKS = []   # (name, keys covered, function returning a list of failures)


def check(*keys):
    def deco(fn):
        CHECKS.append((fn.__name__, keys, fn))
        return fn
    return deco


def fmt(x):
    return "%g" % x


def selectors(text):
    """(metric, matchers text or None) of every collectd_ctwatch_* occurrence."""
    return [(m.group(1), m.group(2)) for m in re.finditer(r"([\w:]*collectd_ctwatch_[\w:]+)(?:\{([^}]*)\})?", text)]


def by_clauses(text):
    return re.findall(r"\bby\s*\(([^)]*)\)", text)


def load():
    c = {}
    c["rules_text"] = open(f"{D}/rules/prometheus/ctwatch.rules.yml").read()
    c["groups"] = yaml.safe_load(c["rules_text"])["groups"]
    c["alerts"] = {r["alert"]: r for g in c["groups"] for r in g["rules"] if "alert" in r}
    c["records"] = [r for g in c["groups"] if g["name"] == "ctwatch.fleet" for r in g["rules"]]
    c["pr"] = yaml.safe_load(open(f"{D}/rules/prometheus/ctwatch.prometheusrule.yaml"))
    c["am"] = yaml.safe_load(open(f"{D}/rules/alertmanager/alertmanager.example.yml"))
    c["am_text"] = open(f"{D}/rules/alertmanager/alertmanager.example.yml").read()
    c["dash"] = {n: json.load(open(f"{D}/dashboards/{n}.json")) for n in ("ctwatch-host", "ctwatch-fleet")}
    c["dash_text"] = {n: json.dumps(d) for n, d in c["dash"].items()}
    return c


C = load()
ALERTS = C["alerts"]


def expr(name):
    return ALERTS[name]["expr"]


def iter_panels(ps):
    for p in ps or []:
        yield p
        yield from iter_panels(p.get("panels"))


def queries(d):
    variables = d["templating"]["list"]
    q = lambda v: v["query"]["query"] if isinstance(v["query"], dict) else v["query"]
    out = [(f"variable ${v['name']}", q(v)) for v in variables if v.get("type") == "query" and v["name"] != "cluster"]
    out += [(f"panel {p.get('id')}", t["expr"]) for p in iter_panels(d["panels"]) for t in p.get("targets") or []]
    return out


# ------------------------------------------------------------------ rules
@check("ctwatchSelector")
def selector_in_every_rule(c):
    bad, n = [], 0
    for name, r in ALERTS.items():
        for where, text in (("expr", r["expr"]), ("description", r["annotations"]["description"])):
            for metric, matchers in selectors(text):
                n += 1
                if matchers is None or not (matchers.startswith(SEL + ", ") or matchers == SEL):
                    bad.append(f"{name} {where}: {metric}{{{matchers}}} without {SEL}")
    for r in c["records"]:
        for metric, matchers in selectors(r["expr"]):
            if matchers is None or not matchers.startswith(SEL + ", "):
                bad.append(f"{r['record']}: {metric} without {SEL}")
    return bad + ([] if n > 50 else [f"only {n} selectors in the alerts"])


@check("ctwatchSelector")
def selector_in_rules_header(c):
    t = c["rules_text"]
    bad = []
    if "never select on job" in t:
        bad.append("the rules file's header says the rules never select on job")
    if f"select only series matching {{{SEL}}}" not in t:
        bad.append(f"the rules file's header does not say the rules select {{{SEL}}}")
    return bad


@check("clusterLabel", "showMultiCluster")
def cluster_in_every_rule_by_and_on(c):
    bad, n = [], 0
    for name, r in ALERTS.items():
        for b in by_clauses(r["expr"]):
            n += 1
            if not b.startswith(CL + ", "):
                bad.append(f"{name}: by ({b}) does not keep {CL}")
        for o in re.findall(r"\bon\s*\(([^)]*)\)", r["expr"]):
            if not o.startswith(CL + ", "):
                bad.append(f"{name}: on ({o}) does not match on {CL}")
    if f"by ({CL}, instance, ctwatch)" not in expr("ConntrackMetricsAbsent"):
        bad.append("ConntrackMetricsAbsent is not grouped per cluster")
    return bad + ([] if n >= 5 else [f"only {n} by clauses"])


@check("showMultiCluster", "clusterLabel")
def cluster_in_rules_header(c):
    return [] if f"also\n# keeps {CL}," in c["rules_text"] else [f"the rules file's header does not say every by/on keeps {CL}"]


@check("runbookURLPattern")
def runbook_url_of_every_alert(c):
    bad = []
    for name, r in ALERTS.items():
        want = ND["runbookURLPattern"] % name
        if r["annotations"].get("runbook_url") != want:
            bad.append(f"{name}: runbook_url {r['annotations'].get('runbook_url')!r}, want {want!r}")
    if f"# runbook_url: {ND['runbookURLPattern']}" not in c["rules_text"]:
        bad.append("the rules file's header does not name the runbook URL pattern")
    return bad


@check("fillPageRatio")
def nearly_full_threshold(c):
    return [] if re.search(rf">= {fmt(ND['fillPageRatio'])}\s*$", expr("ConntrackTableNearlyFull")) else \
        [f"ConntrackTableNearlyFull does not page at >= {fmt(ND['fillPageRatio'])}: {expr('ConntrackTableNearlyFull')}"]


@check("fillGateRatio")
def gate_of_every_gated_alert(c):
    want = f">= {fmt(ND['fillGateRatio'])}"
    return [f"{a} is not gated at {want}" for a in ("ConntrackTableFillingFast", "ConntrackTableFillingUp",
            "ConntrackTimeWaitDominant", "ConntrackMaxNotTuned", "ConntrackTcpTwReuseEnabled") if want not in expr(a)]


@check("timeWaitShareRatio")
def time_wait_share(c):
    want = f">= {fmt(ND['timeWaitShareRatio'])}"
    return [f"{a} does not compare the TIME_WAIT share {want}" for a in ("ConntrackTimeWaitDominant", "ConntrackTimeWaitTimeoutLong")
            if want not in expr(a)]


@check("fillingFastSeconds")
def filling_fast_seconds(c):
    want = f'type="time_to_full"}}) < {fmt(ND["fillingFastSeconds"])}'
    return [] if want in expr("ConntrackTableFillingFast") else [f"ConntrackTableFillingFast lacks {want}"]


@check("timeWaitTimeoutSeconds")
def time_wait_timeout_seconds(c):
    s = fmt(ND["timeWaitTimeoutSeconds"])
    r = ALERTS["ConntrackTimeWaitTimeoutLong"]
    bad = [] if f'type="tcp_timeout_time_wait"}} > {s}' in r["expr"] else [f"ConntrackTimeWaitTimeoutLong expr lacks > {s}"]
    return bad + ([] if f"(more than {s}s)" in r["annotations"]["description"] else [f"ConntrackTimeWaitTimeoutLong description lacks 'more than {s}s'"])


@check("censusStaleSeconds")
def census_stale_seconds(c):
    return [] if f'type="census_age"}}) > {fmt(ND["censusStaleSeconds"])}' in expr("ConntrackCensusStale") else \
        [f"ConntrackCensusStale does not use censusStaleSeconds {ND['censusStaleSeconds']}"]


@check("censusWindow")
def census_window(c):
    w = f"[{ND['censusWindow']}]"
    bad = []
    for a in ("ConntrackTimeWaitDominant", "ConntrackTimeWaitTimeoutLong"):
        r = ALERTS[a]
        if w not in r["expr"] or w not in r["annotations"]["description"] or "[10m]" in r["annotations"]["description"]:
            bad.append(f"{a} does not read the census over {w} in its expr and description")
    if f"last_over_time(...{w})" not in c["rules_text"]:
        bad.append(f"the rules file's header does not say the census is read over {w}")
    return bad


@check("chainsFullRatio")
def chains_full_ratio(c):
    want = f">= {fmt(ND['chainsFullRatio'])}"
    return [] if want in expr("ConntrackHashChainsTooLong") else [f"ConntrackHashChainsTooLong is not quiet from {want}"]


def for_check(alert):
    def fn(c):
        got = ALERTS[alert].get("for")
        return [] if got == ND["alertFor"][alert] else [f"{alert}: for {got}, want {ND['alertFor'][alert]}"]
    fn.__name__ = f"for_of_{alert}"
    return fn


for _a in DEF["alertFor"]:
    check(f"alertFor.{_a}")(for_check(_a))


@check("fleetRecordingRules")
def fleet_recording_rules(c):
    bad = [] if len(c["records"]) >= 4 else [f"{len(c['records'])} recording rules rendered, want 4"]
    for r in c["records"]:
        if not re.fullmatch(r"[a-z_]+:[a-z_0-9]+:[a-z_0-9]+", r["record"]):
            bad.append(f"recording rule {r['record']} is not named level:metric:operations")
        if r["record"] + "{" not in c["dash_text"]["ctwatch-fleet"]:
            bad.append(f"fleet dashboard does not read {r['record']}")
    return bad


@check("prometheusRuleMetadata")
def prometheus_rule_metadata(c):
    m, want = c["pr"]["metadata"], ND["prometheusRuleMetadata"]
    bad = []
    if m.get("namespace") != want["namespace"]:
        bad.append(f"PrometheusRule namespace {m.get('namespace')!r}, want {want['namespace']!r}")
    if m.get("labels") != dict({"app.kubernetes.io/name": "ctwatch"}, **want["labels"]):
        bad.append(f"PrometheusRule labels {m.get('labels')}, want the default plus {want['labels']}")
    if m.get("annotations") != want["annotations"]:
        bad.append(f"PrometheusRule annotations {m.get('annotations')}, want {want['annotations']}")
    return bad


# ------------------------------------------------------------------ Alertmanager example
@check("showMultiCluster", "clusterLabel")
def alertmanager_groups_and_inhibits_per_cluster(c):
    am, bad = c["am"], []
    for where, by in (("route", am["route"]["group_by"]), ("ctwatch route", am["route"]["routes"][0]["group_by"])):
        if CL not in by:
            bad.append(f"Alertmanager {where} group_by {by} lacks {CL}")
    for i, rule in enumerate(am["inhibit_rules"]):
        if CL not in rule["equal"]:
            bad.append(f"Alertmanager inhibit rule {i} equal {rule['equal']} lacks {CL}: a host inhibits its namesake in another cluster")
    return bad


@check("fillPageRatio")
def alertmanager_says_page_threshold(c):
    p = "%g" % (ND["fillPageRatio"] * 100)
    return [] if f">= {p} % full" in c["am_text"] else [f"the Alertmanager example does not say >= {p} % full"]


# ------------------------------------------------------------------ dashboards
@check("ctwatchSelector")
def selector_in_every_dashboard_query(c):
    bad = []
    for dname, d in c["dash"].items():
        qs = queries(d)
        if len(qs) < 10:
            bad.append(f"{dname}: only {len(qs)} queries")
        for where, e in qs:
            for metric, matchers in selectors(e):
                if matchers is None or not matchers.startswith(SEL):
                    bad.append(f"{dname} {where}: {metric}{{{matchers}}} lacks {SEL}")
    return bad


@check("showMultiCluster", "clusterLabel")
def cluster_in_dashboards(c):
    bad = []
    for dname, cm in (("ctwatch-host", f'{CL}="$cluster"'), ("ctwatch-fleet", f'{CL}=~"$cluster"')):
        d = c["dash"][dname]
        variables = d["templating"]["list"]
        names = [v["name"] for v in variables]
        if names[:2] != ["datasource", "cluster"]:
            bad.append(f"{dname}: no cluster variable after datasource: {names}")
            continue
        cv = variables[1]
        cq = cv["query"]["query"] if isinstance(cv["query"], dict) else cv["query"]
        if cq != f"label_values(collectd_ctwatch_conntrack{{{SEL}}}, {CL})":
            bad.append(f"{dname}: cluster variable query {cq!r}")
        for where, e in queries(d):
            for metric, matchers in selectors(e):
                if matchers is None or cm not in matchers:
                    bad.append(f"{dname} {where}: {metric}{{{matchers}}} lacks {cm}")
            for b in by_clauses(e):
                if not b.startswith(CL + ", "):
                    bad.append(f"{dname} {where}: by ({b}) does not keep {CL}")
    links = re.findall(r'/d/ctwatch-host/[^"]*', c["dash_text"]["ctwatch-fleet"])
    if len(links) < 3 or any("var-cluster=${__" not in u or f".{CL}}}&var-instance" not in u for u in links):
        bad.append(f"fleet -> host links do not carry the cluster: {links[:2]}")
    return bad


@check("dashboardTags")
def dashboard_tags(c):
    return [f"{n}: tags {d['tags']}" for n, d in c["dash"].items() if d["tags"] != ND["dashboardTags"]]


@check("dashboardRefresh")
def dashboard_refresh(c):
    return [f"{n}: refresh {d['refresh']}" for n, d in c["dash"].items() if d["refresh"] != ND["dashboardRefresh"]]


@check("fillPageRatio")
def dashboards_page_threshold(c):
    p = round(ND["fillPageRatio"] * 100)
    bad = []
    for n, text in c["dash_text"].items():
        if f'"value": {p}' not in text or '"value": 80' in text:
            bad.append(f"{n}: threshold steps not at {p}")
        if "80 %" in text or f"{p} %" not in text:
            bad.append(f"{n}: texts still say 80 % / do not say {p} %")
    if f">= {fmt(ND['fillPageRatio'])})" not in c["dash_text"]["ctwatch-fleet"]:
        bad.append(f"fleet: the 'hosts paging' count does not use {fmt(ND['fillPageRatio'])}")
    if f"{fmt(ND['fillPageRatio'])} * collectd_ctwatch_conntrack" not in c["dash_text"]["ctwatch-host"]:
        bad.append(f"host: the paging line is not at {fmt(ND['fillPageRatio'])} * max")
    return bad


@check("runbookURLPattern")
def dashboards_runbook_links(c):
    want = ND["runbookURLPattern"] % "ConntrackTableNearlyFull"
    return [f"{n}: no runbook link from runbookURLPattern" for n, t in c["dash_text"].items() if want not in t]


@check("runbookIndexURL")
def dashboards_runbook_index(c):
    bad = []
    for n, t in c["dash_text"].items():
        if f'"url": "{ND["runbookIndexURL"]}"' not in t:
            bad.append(f"{n}: the runbook index link is not runbookIndexURL")
        if "github.com/ctwatch" in t or "file:///usr/share/doc" in t:
            bad.append(f"{n}: a runbook link still points at the package's files")
    return bad


@check("censusStaleSeconds")
def dashboards_census_stale(c):
    s = fmt(ND["censusStaleSeconds"])
    fleet, host = c["dash_text"]["ctwatch-fleet"], c["dash_text"]["ctwatch-host"]
    bad = []
    if "census_age" not in fleet or f"> {s})" not in fleet or f"> {fmt(DEF['censusStaleSeconds'])})" in fleet:
        bad.append(f"fleet: the stale-census count does not use censusStaleSeconds {s}")
    if f'"value": {s}' not in host:
        bad.append(f"host: the census-age panel's red threshold is not censusStaleSeconds {s}")
    return bad


# ------------------------------------------------------------------ invariants (hold on any render)
@check()
def prometheus_rule_spec_is_the_rules_file(c):
    return [] if c["pr"]["spec"]["groups"] == c["groups"] else ["PrometheusRule spec differs from the rules file"]


@check()
def every_alert_rendered(c):
    return [] if set(ALERTS) == set(DEF["alertFor"]) else [f"alerts {sorted(ALERTS)} != alertFor {sorted(DEF['alertFor'])}"]


@check()
def every_alert_file_listed_and_named_after_its_alert(c):
    import glob
    import os
    files = {os.path.basename(f)[:-len(".libsonnet")] for f in glob.glob("mixin/alerts/Conntrack*.libsonnet")}
    listed = re.findall(r"import '(\w+)\.libsonnet'", open("mixin/alerts/list.libsonnet").read())
    bad = [f"mixin/alerts/{f}.libsonnet is not in alerts/list.libsonnet" for f in sorted(files - set(listed))]
    bad += [f"alerts/list.libsonnet imports {f} twice" for f in set(listed) if listed.count(f) > 1]
    return bad + ([] if files == set(ALERTS) else [f"alert files {sorted(files ^ set(ALERTS))} are not named after their alert"])


def run(fn):
    try:
        return fn(C)
    except Exception as e:  # a missing field on the default render is a failure too
        return [f"{type(e).__name__}: {e}"]


errors = []
if not ON_DEFAULT:
    # Coverage: every key set to a non-default value, every key asserted.
    covered = {k for _, keys, _ in CHECKS for k in keys} | CHECKED_ELSEWHERE
    for k, v in DEF.items():
        if k == "alertFor":
            for a, f in v.items():
                if ND.get("alertFor", {}).get(a, f) == f:
                    errors.append(f"nondefault.libsonnet leaves alertFor.{a} at its default {f}")
                if f"alertFor.{a}" not in covered:
                    errors.append(f"no assertion for alertFor.{a}")
            continue
        if k not in ND or ND[k] == v:
            errors.append(f"nondefault.libsonnet leaves {k} at its default {v!r}")
        if k not in covered:
            errors.append(f"no assertion for _config key {k}")
    for name, keys, fn in CHECKS:
        errors += [f"{name}: {m}" for m in run(fn)]
    for e in errors:
        print("FAIL:", e, file=sys.stderr)
    print(f"config_check: {len(CHECKS)} assertions on {D}, {len(errors)} failure(s)")
else:
    failed = 0
    for name, keys, fn in CHECKS:
        if not keys:
            continue
        msgs = run(fn)
        if msgs:
            failed += 1
            print(f"ok: {name} ({', '.join(keys)}) fails on the default render: {msgs[0]}")
        else:
            errors.append(f"{name} ({', '.join(keys)}) passes on the default render: it checks nothing")
    for e in errors:
        print("FAIL:", e, file=sys.stderr)
    print(f"config_check --on-default: {failed} of {sum(1 for c in CHECKS if c[1])} assertions fail on the default render")
sys.exit(1 if errors else 0)
