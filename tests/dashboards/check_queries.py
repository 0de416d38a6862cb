#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Runs every dashboard query and every alert rule against a live Prometheus.

    check_queries.py --url http://127.0.0.1:PORT --var instance=HOST --var namespace=NS \\
                     [--rules-file rules/prometheus/ctwatch.rules.yml] [--mutations] DASHBOARD.json...
    check_queries.py --self-test        (offline: the relaxation and substitution rules)

Used by tests/dashboards/validate.sh, which starts the stack (tests/stack/lib.sh).

What is checked
---------------
Dashboards: every target of every panel (rows' nested panels included) and
every template variable query, for every combination of test values of the
template variables: the value given with --var, plus the "All" value
(allValue, else ".*") of a variable with includeAll.  Grafana's built-ins
are replaced: $__rate_interval and $__range by 1m (--rate-interval,
--range), $__interval by 1s.  Each target is run
  * as an instant query: it must not fail;
  * as a range query over the last --window seconds (step 1 s): it must not
    fail;
  * both must return data, unless the panel is in ALLOW_EMPTY below.
A variable query label_values(SELECTOR, LABEL) is run as
count by (LABEL) (SELECTOR) and must offer the --var test value.

Rules: every rule Prometheus loaded (GET /api/v1/rules, so what is checked
is what Prometheus parsed) is run as an instant query: it must not fail, it
must be healthy (evaluated without error), and the rule names must be
exactly those of --rules-file.  A recording rule must return data; an
alerting rule must return data unless it is in ALLOW_EMPTY_RULES.

"Unexpectedly empty" -- the principle
-------------------------------------
Some expressions are empty in a healthy system *by design*: alert conditions
(fill >= 0.8), "hosts currently dropping" (increase > 0).  What makes them
empty is a filter: a comparison without `bool`, or `unless`.  For those (the
allow-lists, each entry with its reason) the check is on the *relaxed*
expression instead (promql.relax): every comparison gets `bool` (it keeps
every element, as 0/1, instead of dropping the ones that fail), `unless`
becomes `and` (non-empty only if both sides have data and their labels
match), a trailing `or vector(0)` default is dropped.  The relaxed
expression keeps every selector, function, aggregation and vector matching
of the original, so it is empty only if one of them matches nothing: a
misspelt metric, label or type value, or a join on the wrong labels.  Only
the thresholds are out of the picture.

Every expression, allow-listed or not, is also checked relaxed: that catches
`count(...) or vector(0)`, which is never empty even when its selector is
broken.  An allow-list entry whose expression has no filter to relax, or
that names no panel/rule any more, is itself a failure, so the lists cannot
rot.

--mutations then breaks the dashboards and rules in memory in typical ways
(syntax error, misspelt type value, wrong join label, unknown variable,
misspelt metric in an allow-listed panel, broken join and selector in a rule) and fails unless
every mutation is reported: each check can fail.

Exit status: 0 all checks pass, 1 a check failed, 2 usage error.
"""

import argparse
import copy
import itertools
import json
import os
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import promql_names as promql  # noqa: E402

# Panels whose queries may legitimately return nothing on a healthy stack,
# keyed by (dashboard uid, panel title).  Their relaxed form must return data.
ALLOW_EMPTY = {
    ("ctwatch-fleet", "Hosts dropping packets now (last 5 min)"):
        "lists only host/namespaces whose drop, insert_failed or early_drop counter increased "
        "(sum ... > 0): empty while nothing is dropped",
    ("ctwatch-fleet", "Hosts predicted to fill within 4 h"):
        "the ConntrackTableFillingUp condition (predicted >= 100 %, fill >= 50 %, growing): "
        "empty while no table is filling up",
}

# Alerting rules that may legitimately be empty (not firing) on a healthy
# stack, with the reason.  Their relaxed form must return data.  A new alert
# must be added here deliberately.
ALLOW_EMPTY_RULES = {
    "ConntrackTableNearlyFull": "fill >= 0.80",
    "ConntrackTableFillingFast": "time_to_full < 300 and fill >= 0.5",
    "ConntrackCensusStale": "census_age > 900",
    "ConntrackNamespaceUnsampled": "namespaces_unsampled > 0",
    "ConntrackPacketsDropped": "increase(drop|insert_failed) > 0",
    "ConntrackTimeWaitDominant": "TIME_WAIT share >= 0.5 and fill >= 0.5",
    "ConntrackTableFillingUp": "predicted fill >= 1, fill >= 0.5, deriv > 0",
    "ConntrackEarlyDrops": "increase(early_drop) > 0",
    "ConntrackMaxNotTuned": "max is a kernel default and fill >= 0.5",
    "ConntrackTimeWaitTimeoutLong": "time_wait timeout > 60 and TIME_WAIT share >= 0.5",
    "ConntrackTcpTwReuseEnabled": "tcp_tw_reuse == 1 and fill >= 0.5",
    "ConntrackMetricsAbsent": "present in the last hour unless present in the last 10 minutes",
    "ConntrackHashChainsTooLong": "increase(chaintoolong) > 0 unless fill >= 0.9",
    "ConntrackInsertClashesUnresolved": "increase(insert_failed) - increase(chaintoolong) > 0.5 where clash_resolve exists",
    "ConntrackMaxBelowRecommended": "twice the day's peak > max",
}

NO_QUERY_PANELS = {"row", "text", "news", "dashlist", "welcome"}


class Prometheus:
    def __init__(self, url):
        self.url = url.rstrip("/")

    def _call(self, path, params):
        data = urllib.parse.urlencode(params).encode() if params is not None else None
        req = urllib.request.Request(self.url + path, data=data)
        try:
            with urllib.request.urlopen(req, timeout=15) as r:
                doc = json.load(r)
        except urllib.error.HTTPError as e:
            try:
                doc = json.load(e)
            except ValueError:
                raise RuntimeError(f"HTTP {e.code} from {path}") from None
        except (urllib.error.URLError, OSError) as e:
            raise RuntimeError(f"cannot reach Prometheus at {self.url}: {e}") from None
        if doc.get("status") != "success":
            raise QueryError(f"{doc.get('errorType')}: {doc.get('error')}")
        return doc["data"]

    def instant(self, expr, t):
        return self._call("/api/v1/query", {"query": expr, "time": f"{t:.3f}"})["result"]

    def range(self, expr, start, end, step):
        return self._call("/api/v1/query_range",
                          {"query": expr, "start": f"{start:.3f}", "end": f"{end:.3f}", "step": step})["result"]

    def rules(self):
        return self._call("/api/v1/rules", None)["groups"]


class QueryError(Exception):
    pass


def size(result):
    """Number of series in a result (a scalar counts as one)."""
    return len(result) if isinstance(result, list) else 1


class Checker:
    def __init__(self, prom, now, window, quiet=False):
        self.prom = prom
        self.now = now
        self.window = window
        self.quiet = quiet
        self.failures = []
        self.passed = 0

    def fail(self, what, msg, expr=None):
        self.failures.append(f"{what}: {msg}")
        if not self.quiet:
            print(f"FAIL {what}: {msg}")
            if expr is not None:
                print(f"     expr: {' '.join(expr.split())}")

    def ok(self, what, msg):
        self.passed += 1
        if not self.quiet:
            print(f"ok   {what}: {msg}")

    def run(self, what, expr, allow_empty=None, do_range=False):
        """allow_empty: None (must return data) or the reason it may be empty."""
        try:
            inst = self.prom.instant(expr, self.now)
        except QueryError as e:
            self.fail(what, f"instant query failed: {e}", expr)
            return
        parts = [f"instant {size(inst)}"]
        if do_range:
            try:
                rng = self.prom.range(expr, self.now - self.window, self.now, "1")
            except QueryError as e:
                self.fail(what, f"range query failed: {e}", expr)
                return
            parts.append(f"range {size(rng)}")
        else:
            rng = None
        empty = size(inst) == 0 or (rng is not None and size(rng) == 0)
        relaxed = promql.relax(expr)
        has_filter = relaxed != expr.rstrip()
        if allow_empty is not None and not has_filter:
            self.fail(what, "allow-listed as possibly empty, but the expression has no filter "
                            "(comparison or unless) that could make it empty: fix the allow-list", expr)
            return
        if empty and allow_empty is None:
            self.fail(what, f"returned no data ({', '.join(parts)} series); if that is legitimate on a "
                            "healthy stack, add it to the allow-list with the reason", expr)
            return
        if has_filter:
            try:
                rel = self.prom.instant(relaxed, self.now)
            except QueryError as e:
                self.fail(what, f"relaxed query failed: {e}", relaxed)
                return
            if size(rel) == 0:
                self.fail(what, "relaxed query (filters turned off) returned no data: a selector or a "
                                "join matches nothing", relaxed)
                return
            parts.append(f"relaxed {size(rel)}")
        note = f" (empty allowed: {allow_empty})" if allow_empty is not None and empty else ""
        self.ok(what, ", ".join(parts) + " series" + note)


# ------------------------------------------------------------ dashboards --

def iter_panels(dash):
    for p in dash.get("panels") or []:
        yield p
        yield from p.get("panels") or []


def variable_query(v):
    q = v.get("query")
    return q.get("query") if isinstance(q, dict) else q


def test_values(dash, given):
    """[{var: value}] combinations for the dashboard's query/custom variables."""
    names, choices = [], []
    for v in (dash.get("templating") or {}).get("list") or []:
        if v.get("type") in ("datasource", "constant", "interval", "textbox", "adhoc"):
            continue
        name = v["name"]
        vals = []
        if name in given:
            vals.append(given[name])
        if v.get("includeAll"):
            vals.append(v.get("allValue") or ".*")
        if not vals:
            raise SystemExit(f"check_queries: no test value for ${name} in {dash.get('uid')}: pass --var {name}=VALUE")
        names.append(name)
        choices.append(vals)
    return [dict(zip(names, combo)) for combo in itertools.product(*choices)]


def check_dashboard(ck, dash, given, builtins, allow):
    uid = dash.get("uid")
    used = set()
    for values in test_values(dash, given):
        env = dict(builtins)
        env.update(values)
        tag = ", ".join(f"{k}={v}" for k, v in values.items())
        # Template variable queries, in order (later ones may use earlier ones).
        for v in (dash.get("templating") or {}).get("list") or []:
            if v.get("type") != "query":
                continue
            what = f"{uid} variable ${v['name']} [{tag}]"
            try:
                q = promql.substitute(variable_query(v), env)
                expr, label = promql.label_values_query(q)
            except (KeyError, promql.PromQLError) as e:
                ck.fail(what, f"cannot build the query: {e}")
                continue
            try:
                res = ck.prom.instant(expr, ck.now)
            except QueryError as e:
                ck.fail(what, f"query failed: {e}", expr)
                continue
            offered = sorted({s["metric"].get(label, "") for s in res})
            want = given.get(v["name"])
            if not offered:
                ck.fail(what, "offers no value", expr)
            elif want is not None and want not in offered:
                ck.fail(what, f"does not offer the test value {want!r} (offers {offered})", expr)
            else:
                ck.ok(what, f"offers {offered}")
        for p in iter_panels(dash):
            if p.get("type") in NO_QUERY_PANELS:
                continue
            title = p.get("title", "")
            key = (uid, title)
            reason = allow.get(key)
            if reason is not None:
                used.add(key)
            for t in p.get("targets") or []:
                what = f"{uid} \"{title}\" {t.get('refId', '?')} [{tag}]"
                try:
                    expr = promql.substitute(t.get("expr", ""), env)
                except KeyError as e:
                    ck.fail(what, f"unknown variable ${e.args[0]}", t.get("expr"))
                    continue
                if not expr.strip():
                    ck.fail(what, "empty expr")
                    continue
                ck.run(what, expr, allow_empty=reason, do_range=True)
    return used


# ----------------------------------------------------------------- rules --

def rule_names_in_file(path):
    names = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^\s*-?\s*(alert|record)\s*:\s*['\"]?([A-Za-z_:][A-Za-z0-9_:]*)", line)
            if m:
                names.append(m.group(2))
    return names


def loaded_rules(prom):
    out = []
    for g in prom.rules():
        for r in g.get("rules") or []:
            out.append({"name": r["name"], "type": r.get("type"), "query": r["query"],
                        "health": r.get("health"), "lastError": r.get("lastError", ""),
                        "group": g.get("name")})
    return out


def check_rules(ck, rules, rules_file, allow):
    used = set()
    if rules_file is not None:
        expected = rule_names_in_file(rules_file)
        got = [r["name"] for r in rules]
        if sorted(expected) != sorted(got):
            ck.fail("rules", f"Prometheus loaded {sorted(got)}, {rules_file} defines {sorted(expected)}")
        else:
            ck.ok("rules", f"Prometheus loaded all {len(got)} rules of {rules_file}")
    for r in rules:
        what = f"rule {r['name']}"
        if r["health"] not in ("ok", None) or r["lastError"]:
            ck.fail(what, f"health {r['health']!r}, last error {r['lastError']!r}", r["query"])
            continue
        reason = None
        if r["type"] == "alerting":
            reason = allow.get(r["name"])
            if reason is not None:
                used.add(r["name"])
        ck.run(what, r["query"], allow_empty=reason, do_range=False)
    return used


# ------------------------------------------------------------- mutations --

def mutations(dashboards, rules):
    """(description, dashboards, rules) variants that a correct checker must reject."""
    def first_target(ds, pred):
        for d in ds:
            for p in iter_panels(d):
                for t in p.get("targets") or []:
                    if pred(d, p, t):
                        return t
        raise AssertionError("no target for mutation")

    out = []

    def variant(desc, dash_fn=None, rule_fn=None):
        ds = copy.deepcopy(dashboards)
        rs = copy.deepcopy(rules)
        if dash_fn:
            dash_fn(ds)
        if rule_fn:
            rule_fn(rs)
        out.append((desc, ds, rs))

    def syntax(ds):
        t = first_target(ds, lambda d, p, t: True)
        t["expr"] += ")"

    def typo_type(ds):
        t = first_target(ds, lambda d, p, t: 'type="TIME_WAIT"' in t["expr"])
        t["expr"] = t["expr"].replace('type="TIME_WAIT"', 'type="TIME_WAT"')

    def wrong_join(ds):
        t = first_target(ds, lambda d, p, t: "ignoring(type)" in t["expr"] and (d.get("uid"), p.get("title")) not in ALLOW_EMPTY)
        t["expr"] = t["expr"].replace("ignoring(type)", "on(type)", 1)

    def typo_in_allowed(ds):
        t = first_target(ds, lambda d, p, t: (d.get("uid"), p.get("title")) in ALLOW_EMPTY
                         and "collectd_ctwatch_errors_total" in t["expr"])
        t["expr"] = t["expr"].replace("collectd_ctwatch_errors_total", "collectd_ctwatch_error_total")

    def typo_metric_or_vector(ds):
        t = first_target(ds, lambda d, p, t: t["expr"].rstrip().endswith("or vector(0)"))
        t["expr"] = t["expr"].replace("collectd_ctwatch_conntrack", "collectd_ctwatch_contrack")

    def unknown_var(ds):
        t = first_target(ds, lambda d, p, t: "$namespace" in t["expr"])
        t["expr"] = t["expr"].replace("$namespace", "$namespaces", 1)

    def bad_var_query(ds):
        for d in ds:
            for v in d["templating"]["list"]:
                if v.get("type") == "query":
                    v["query"]["query"] = variable_query(v).replace("collectd_ctwatch_conntrack", "collectd_ctwatch_conntrak")
                    return

    def rule_join(rs):
        r = next(r for r in rs if "ignoring (type)" in r["query"] or "ignoring(type)" in r["query"])
        r["query"] = re.sub(r"ignoring ?\(type\)", "on(type)", r["query"], count=1)

    def rule_typo(rs):
        r = next(r for r in rs if 'type="entries"' in r["query"])
        r["query"] = r["query"].replace('type="entries"', 'type="entry"')

    def rule_syntax(rs):
        rs[0]["query"] = "(" + rs[0]["query"]

    variant("syntax error in a panel query", syntax)
    variant("misspelt type value in a panel query", typo_type)
    variant("join on the wrong label in a panel query", wrong_join)
    variant("misspelt metric in an allow-listed panel", typo_in_allowed)
    variant("misspelt metric behind `or vector(0)`", typo_metric_or_vector)
    variant("unknown template variable", unknown_var)
    variant("variable query that offers nothing", bad_var_query)
    variant("join on the wrong label in an alert rule", rule_fn=rule_join)
    variant("misspelt type value in an alert rule", rule_fn=rule_typo)
    variant("syntax error in an alert rule", rule_fn=rule_syntax)
    return out


# ------------------------------------------------------------- self-test --

def self_test():
    cases = [
        ("a > 0", "a > bool 0"),
        ("a > bool 0", "a > bool 0"),
        ('x{type="a"} / ignoring(type) (y{type="b"} > 0) >= 0.80',
         'x{type="a"} / ignoring(type) (y{type="b"} > bool 0) >= bool 0.80'),
        ("a == ignoring(type) b", "a == bool ignoring(type) b"),
        ("a unless b", "a and b"),
        ("count(a >= 0.8) or vector(0)", "count(a >= bool 0.8)"),
        ('m{type=~"a|b", x!="y"} != 1', 'm{type=~"a|b", x!="y"} != bool 1'),
        ('m{l=">= 3 unless"}', 'm{l=">= 3 unless"}'),
        ("rate(m[5m]) <= 2", "rate(m[5m]) <= bool 2"),
        ("sort_desc(sum by (a) (m) > 0)", "sort_desc(sum by (a) (m) > bool 0)"),
        ("a or b", "a or b"),
    ]
    failed = 0
    for src, want in cases:
        got = promql.relax(src)
        ok = got == want
        failed += not ok
        print(f"{'ok  ' if ok else 'FAIL'} relax({src!r}) = {got!r}" + ("" if ok else f", want {want!r}"))
    subst = [
        ('m{i="$instance", n=~"${namespace}"}[$__rate_interval]', {"instance": "h", "namespace": ".*",
         "__rate_interval": "1m"}, 'm{i="h", n=~".*"}[1m]'),
        ("m[[x]]", {"x": "1"}, "m1"),
    ]
    for src, env, want in subst:
        got = promql.substitute(src, env)
        ok = got == want
        failed += not ok
        print(f"{'ok  ' if ok else 'FAIL'} substitute({src!r}) = {got!r}")
    try:
        promql.substitute("$nope", {})
        print("FAIL substitute of an unknown variable raised nothing")
        failed += 1
    except KeyError:
        print("ok   substitute of an unknown variable raises KeyError")
    lv = promql.label_values_query('label_values(m{a="b", c="d"}, ctwatch)')
    ok = lv == ('count by (ctwatch) (m{a="b", c="d"})', "ctwatch")
    failed += not ok
    print(f"{'ok  ' if ok else 'FAIL'} label_values -> {lv}")
    print(f"self-test: {'all passed' if not failed else str(failed) + ' failed'}")
    return 1 if failed else 0


# ------------------------------------------------------------------ main --

def parse_var(s):
    if "=" not in s:
        raise argparse.ArgumentTypeError(f"--var wants NAME=VALUE, got {s!r}")
    k, v = s.split("=", 1)
    return k, v


def run_all(prom, now, args, dashboards, rules, quiet=False):
    ck = Checker(prom, now, args.window, quiet=quiet)
    builtins = {"__rate_interval": args.rate_interval, "__interval": "1s", "__interval_ms": "1000",
                "__range": args.range, "__range_s": str(args.range_seconds),
                "__range_ms": str(args.range_seconds * 1000)}
    given = dict(args.var)
    used_panels = set()
    for d in dashboards:
        used_panels |= check_dashboard(ck, d, given, builtins, ALLOW_EMPTY)
    uids = {d.get("uid") for d in dashboards}
    for key in sorted(ALLOW_EMPTY):
        if key[0] in uids and key not in used_panels:
            ck.fail("allow-list", f"ALLOW_EMPTY names panel \"{key[1]}\" of {key[0]}, which has no such panel")
    if rules is not None:
        used_rules = check_rules(ck, rules, args.rules_file, ALLOW_EMPTY_RULES)
        for name in sorted(set(ALLOW_EMPTY_RULES) - used_rules):
            ck.fail("allow-list", f"ALLOW_EMPTY_RULES names alert {name}, which Prometheus did not load")
    return ck


def duration_seconds(d):
    m = re.fullmatch(r"(\d+)([smh])", d)
    if not m:
        raise argparse.ArgumentTypeError(f"duration like 1m wanted, got {d!r}")
    return int(m.group(1)) * {"s": 1, "m": 60, "h": 3600}[m.group(2)]


def main():
    ap = argparse.ArgumentParser(description="Run dashboard and rule queries against Prometheus.")
    ap.add_argument("--url", help="Prometheus base URL")
    ap.add_argument("--var", action="append", type=parse_var, default=[], help="NAME=VALUE test value")
    ap.add_argument("--rules-file", help="rule file Prometheus loaded (its rules are checked)")
    ap.add_argument("--window", type=int, default=15, help="range query span in seconds (default 15)")
    ap.add_argument("--rate-interval", default="1m", help="value for $__rate_interval (default 1m)")
    ap.add_argument("--range", default="1m", help="value for $__range (default 1m)")
    ap.add_argument("--mutations", action="store_true", help="also check that broken queries are caught")
    ap.add_argument("--self-test", action="store_true", help="offline tests of relax/substitute")
    ap.add_argument("dashboards", nargs="*")
    args = ap.parse_args()
    if args.self_test:
        return self_test()
    if not args.url or not args.dashboards:
        ap.error("--url and at least one dashboard are required")
    duration_seconds(args.rate_interval)
    args.range_seconds = duration_seconds(args.range)

    prom = Prometheus(args.url)
    dashboards = []
    for path in args.dashboards:
        with open(path, encoding="utf-8") as f:
            dashboards.append(json.load(f))
    try:
        rules = loaded_rules(prom) if args.rules_file else None
        now = time.time()
        ck = run_all(prom, now, args, dashboards, rules)
        print(f"queries: {ck.passed} passed, {len(ck.failures)} failed")
        rc = 1 if ck.failures else 0
        if args.mutations:
            print("-- mutations: each must be reported --")
            for desc, ds, rs in mutations(dashboards, rules or []):
                m = run_all(prom, now, args, ds, rs if rules is not None else None, quiet=True)
                if m.failures:
                    print(f"ok   mutation \"{desc}\" reported: {m.failures[0]}")
                else:
                    print(f"FAIL mutation \"{desc}\" NOT reported: the check cannot fail")
                    rc = 1
    except RuntimeError as e:
        print(f"FAIL: {e}")
        return 1
    return rc


if __name__ == "__main__":
    sys.exit(main())
