#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Static checks of the Grafana dashboards in dashboards/*.json (stdlib only).

    tests/dashboards/lint.py [--fix] [FILE.json ...]
    tests/dashboards/lint.py --self-test

Without FILEs it checks every dashboards/*.json of the repository. Checks:

  format     valid JSON, and formatted exactly as
             json.dumps(obj, sort_keys=True, indent=2) + "\\n"
             (--fix rewrites the files that way; the other checks still run)
  uid        a stable uid (1-40 of [A-Za-z0-9_-]), unique across the files;
             a title
  export     no export noise: top-level "id" null or absent; no "__inputs",
             "__requires", "__elements", "iteration", "gnetId"
  datasource a template variable "datasource" (type datasource, query
             prometheus); every "datasource" anywhere in the file is exactly
             {"type": "prometheus", "uid": "${datasource}"}: no hard-coded uid
  panels     unique panel ids (panels nested in rows included), unique
             non-empty titles, gridPos inside the 24-column grid and no two
             panels overlapping; every panel that queries has the datasource
             variable, a description and at least one target; every target a
             non-empty expr and a unique refId
  contract   every metric an expr (or a variable query) names is one of the
             contract's Prometheus families (docs/metrics.md, "Metric table"); every
             label used (matchers, by/without/on/ignoring lists, legend
             {{label}}) is one of instance, ctwatch, type, job; every type="..."
             value matched exists for that family
  variables  every $variable used is a template variable or a Grafana built-in

Exit status: 0 clean, 1 findings (one line each, naming file and panel),
2 usage error.  --self-test applies one mutation per check to the real
dashboards in memory and fails unless each mutation is reported.
"""

import argparse
import copy
import glob
import json
import os
import re
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import promql_names as promql  # noqa: E402
import promtool_queries  # noqa: E402

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))

# The metric contract: docs/metrics.md's "Metric table", its one source, read by
# tests/contract.py (the unit test and the e2e test read the same table).
# Prometheus family -> fixed type values; top peers' (flow) are open-ended.
sys.path.insert(0, os.path.join(REPO, "tests"))
import contract  # noqa: E402
CONTRACT = contract.families()
# write_prometheus sets instance/ctwatch/type; job comes from the scrape config.
LABELS = {"instance", "ctwatch", "type", "job"}
DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}
EXPORT_NOISE = ("__inputs", "__requires", "__elements", "iteration", "gnetId")
UID_RE = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
NO_QUERY_PANELS = {"row", "text", "news", "dashlist", "welcome"}
SIMPLE_ALTERNATION = re.compile(r"^[A-Za-z0-9_]+(\|[A-Za-z0-9_]+)*$")
LEGEND_LABEL = re.compile(r"\{\{\s*([^}\s]+)\s*\}\}")


def normalized(obj):
    return json.dumps(obj, sort_keys=True, indent=2) + "\n"


class Findings:
    def __init__(self):
        self.items = []

    def add(self, where, msg):
        self.items.append(f"{where}: {msg}")


def iter_panels(dash):
    """(panel, path) for every panel, rows' nested panels included."""
    for k, p in enumerate(dash.get("panels") or []):
        yield p, f"panels[{k}]"
        for j, q in enumerate(p.get("panels") or []) if isinstance(p, dict) else ():
            yield q, f"panels[{k}].panels[{j}]"


def walk(obj, path="$"):
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield k, v, f"{path}.{k}"
            yield from walk(v, f"{path}.{k}")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from walk(v, f"{path}[{i}]")


def panel_name(p, path):
    if isinstance(p, dict):
        return f"panel id {p.get('id')!r} \"{p.get('title', '')}\""
    return path


def check_expr(f, where, expr, variables):
    try:
        a = promql.analyze(expr)
    except promql.PromQLError as e:
        f.add(where, f"cannot read expression ({e}): {expr}")
        return
    for m in sorted(set(a.metrics)):
        if m not in CONTRACT:
            f.add(where, f"metric {m!r} is not in the ctwatch contract "
                         f"({', '.join(sorted(CONTRACT))}): {expr}")
    for lab in sorted(set(a.labels)):
        if lab not in LABELS:
            f.add(where, f"label {lab!r} is not a contract label ({', '.join(sorted(LABELS))}): {expr}")
    for metric, matchers in a.selectors:
        if metric is None:
            f.add(where, f"selector without a metric name: {expr}")
            continue
        for label, _op, value in matchers:
            if label == "__name__":
                f.add(where, f"metric chosen by __name__ matcher: {expr}")
            if label != "type" or metric not in CONTRACT or "$" in value:
                continue
            if not SIMPLE_ALTERNATION.match(value):
                continue        # a real regex: not checked
            for v in value.split("|"):
                if v not in CONTRACT[metric]:
                    f.add(where, f"{metric} has no type {v!r} (contract: "
                                 f"{', '.join(sorted(CONTRACT[metric]))}): {expr}")
    for v in sorted(set(a.variables)):
        if v not in variables and v not in promql.GRAFANA_BUILTINS:
            f.add(where, f"undefined variable ${v}: {expr}")


def rect_overlap(a, b):
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def check_grid(f, name, panels):
    rects = []
    for p, path, where in panels:
        g = p.get("gridPos")
        if not isinstance(g, dict) or not all(isinstance(g.get(k), int) for k in ("x", "y", "w", "h")):
            f.add(where, "gridPos must have integer x, y, w, h")
            continue
        r = (g["x"], g["y"], g["w"], g["h"])
        if r[0] < 0 or r[1] < 0 or r[2] < 1 or r[3] < 1 or r[0] + r[2] > 24:
            f.add(where, f"gridPos {g} is outside the 24-column grid")
        for other, owhere in rects:
            if rect_overlap(r, other):
                f.add(where, f"gridPos {g} overlaps {owhere}")
        rects.append((r, where))


def check_dashboard(f, name, text, fix=False):
    """Returns (dashboard or None, rewritten text or None)."""
    try:
        dash = json.loads(text)
    except json.JSONDecodeError as e:
        f.add(name, f"invalid JSON: {e}")
        return None, None
    if not isinstance(dash, dict):
        f.add(name, "top level is not a JSON object")
        return None, None
    new_text = None
    if normalized(dash) != text:
        if fix:
            new_text = normalized(dash)
        else:
            f.add(name, "not normalized (json.dumps(sort_keys=True, indent=2) + newline); "
                        "run tests/dashboards/lint.py --fix")

    uid = dash.get("uid")
    if not isinstance(uid, str) or not UID_RE.match(uid):
        f.add(name, f"uid must be a stable string of 1-40 [A-Za-z0-9_-], got {uid!r}")
    if not isinstance(dash.get("title"), str) or not dash["title"].strip():
        f.add(name, "title missing")
    if dash.get("id", None) is not None:
        f.add(name, f"top-level \"id\" must be null or absent (export noise), got {dash['id']!r}")
    for k in EXPORT_NOISE:
        if k in dash:
            f.add(name, f"export noise: top-level {k!r} must not be there "
                        "(export with 'Export for sharing externally' off)")

    # Template variables.
    templ = (dash.get("templating") or {}).get("list") or []
    variables = {}
    for v in templ:
        if isinstance(v, dict) and isinstance(v.get("name"), str):
            if v["name"] in variables:
                f.add(name, f"template variable {v['name']!r} defined twice")
            variables[v["name"]] = v
    dsv = variables.get("datasource")
    if dsv is None:
        f.add(name, "template variable 'datasource' missing (type datasource, query prometheus)")
    elif dsv.get("type") != "datasource" or dsv.get("query") != "prometheus":
        f.add(name, f"variable 'datasource' must be type 'datasource' with query 'prometheus', "
                    f"got type {dsv.get('type')!r} query {dsv.get('query')!r}")
    for v in templ:
        if not isinstance(v, dict) or v.get("type") != "query":
            continue
        q = v.get("query")
        q = q.get("query") if isinstance(q, dict) else q
        where = f"{name}: variable ${v.get('name')}"
        if not isinstance(q, str) or not q.strip():
            f.add(where, "query variable without a query")
            continue
        try:
            expr, label = promql.label_values_query(q)
        except promql.PromQLError as e:
            f.add(where, str(e))
            continue
        check_expr(f, where, expr, variables)

    # Every datasource reference in the file.
    for key, value, path in walk(dash):
        if key == "datasource" and value != DATASOURCE:
            f.add(name, f"{path}: datasource must be {json.dumps(DATASOURCE)} (no hard-coded uid), "
                        f"got {json.dumps(value)}")

    # Panels.
    ids = {}
    titles = {}
    top = []
    nested = {}
    for p, path in iter_panels(dash):
        if not isinstance(p, dict):
            f.add(name, f"{path} is not an object")
            continue
        where = f"{name}: {panel_name(p, path)}"
        pid = p.get("id")
        if not isinstance(pid, int) or isinstance(pid, bool):
            f.add(where, f"panel id must be an integer, got {pid!r}")
        elif pid in ids:
            f.add(where, f"duplicate panel id {pid} (also {ids[pid]})")
        else:
            ids[pid] = f"{path}, \"{p.get('title', '')}\""
        title = p.get("title")
        ptype = p.get("type")
        if not isinstance(title, str) or not title.strip():
            f.add(where, "panel without a title")
        elif title in titles:
            f.add(where, f"duplicate panel title (also {titles[title]}); titles key the "
                         "validate.sh allow-list")
        else:
            titles[title] = f"{path}, id {pid!r}"
        if path.count("panels[") == 1:
            top.append((p, path, where))
        else:
            nested.setdefault(path.split(".")[0], []).append((p, path, where))
        if ptype == "row":
            if p.get("targets"):
                f.add(where, "a row must not have targets")
            continue
        if ptype in NO_QUERY_PANELS:
            if p.get("targets"):
                f.add(where, f"a {ptype} panel must not have targets")
            continue
        if p.get("datasource") != DATASOURCE:
            f.add(where, f"panel datasource must be {json.dumps(DATASOURCE)}")
        if not isinstance(p.get("description"), str) or not p["description"].strip():
            f.add(where, "panel without a description (say what it shows and what to do)")
        targets = p.get("targets")
        if not isinstance(targets, list) or not targets:
            f.add(where, "panel without targets")
            continue
        refids = set()
        for k, t in enumerate(targets):
            twhere = f"{where} target {t.get('refId', k) if isinstance(t, dict) else k}"
            if not isinstance(t, dict):
                f.add(twhere, "target is not an object")
                continue
            ref = t.get("refId")
            if not isinstance(ref, str) or not ref:
                f.add(twhere, "target without refId")
            elif ref in refids:
                f.add(twhere, f"duplicate refId {ref!r}")
            refids.add(ref)
            expr = t.get("expr")
            if not isinstance(expr, str) or not expr.strip():
                f.add(twhere, "target without an expr")
                continue
            check_expr(f, twhere, expr, variables)
            legend = t.get("legendFormat") or ""
            for lab in LEGEND_LABEL.findall(legend):
                if lab not in LABELS:
                    f.add(twhere, f"legend uses label {lab!r}, not a contract label")
    check_grid(f, name, top)
    for group in nested.values():
        check_grid(f, name, group)
    return dash, new_text


def lint(files, fix=False):
    """files: [(name, text)] -> (Findings, {name: new text})."""
    f = Findings()
    rewrites = {}
    uids = {}
    for name, text in files:
        dash, new_text = check_dashboard(f, name, text, fix)
        if isinstance(dash, dict):
            # Syntax: Prometheus's own parser, every query as a recording rule.
            for err in promtool_queries.promtool_errors(promtool_queries.queries_of(dash, name)):
                f.add(name, f"promtool rejects a query: {err}")
        if new_text is not None:
            rewrites[name] = new_text
        if dash is not None and isinstance(dash.get("uid"), str):
            uid = dash["uid"]
            if uid in uids:
                f.add(name, f"uid {uid!r} is also used by {uids[uid]}")
            else:
                uids[uid] = name
    return f, rewrites


def default_files():
    return sorted(glob.glob(os.path.join(REPO, "dashboards", "*.json")))


def display_name(path):
    full = os.path.abspath(path)
    return os.path.relpath(full, REPO) if full.startswith(REPO + os.sep) else path


def read_files(paths):
    out = []
    for p in paths:
        with open(p, encoding="utf-8") as fh:
            out.append((display_name(p), fh.read()))
    return out


# ------------------------------------------------------------- self-test --

def _first_query_panel(d):
    for p, _ in iter_panels(d):
        if p.get("targets"):
            return p
    raise AssertionError("no query panel")


def _mutations():
    """(description, expected message fragment, function(list of dashboards) -> texts)."""
    def m(fn):
        return fn

    def dup_id(ds):
        ps = [p for p, _ in iter_panels(ds[0])]
        ps[-1]["id"] = ps[1]["id"]

    def nested_dup_id(ds):
        d = ds[0]
        rows = [p for p in d["panels"] if p.get("type") == "row"]
        victim = _first_query_panel(d)
        clone = copy.deepcopy(victim)
        clone["title"] = "nested clone"
        rows[-1]["collapsed"] = True
        rows[-1]["panels"].append(clone)

    def hard_uid(ds):
        _first_query_panel(ds[0])["targets"][0]["datasource"] = {"type": "prometheus", "uid": "P1809F7CD0C75ACF3"}

    def string_ds(ds):
        ds[0]["templating"]["list"][1]["datasource"] = "Prometheus"

    def builtin_annotation(ds):
        ds[0]["annotations"]["list"].append({"builtIn": 1, "datasource": {"type": "grafana", "uid": "-- Grafana --"},
                                             "enable": True, "name": "Annotations & Alerts"})

    def no_ds_var(ds):
        ds[0]["templating"]["list"] = [v for v in ds[0]["templating"]["list"] if v["name"] != "datasource"]

    def unknown_metric(ds):
        t = _first_query_panel(ds[0])["targets"][0]
        t["expr"] = t["expr"].replace("collectd_ctwatch_conntrack", "collectd_ctwatch_conntrak", 1)

    def foreign_metric(ds):
        _first_query_panel(ds[0])["targets"][0]["expr"] = "sum(node_nf_conntrack_entries)"

    def bad_label(ds):
        t = _first_query_panel(ds[0])["targets"][0]
        t["expr"] = "sum by (exported_instance) (" + t["expr"] + ")"

    def bad_type(ds):
        t = _first_query_panel(ds[0])["targets"][0]
        t["expr"] = t["expr"].replace('type="entries"', 'type="entry"', 1)

    def bad_legend(ds):
        _first_query_panel(ds[0])["targets"][0]["legendFormat"] = "{{host}}"

    def undefined_var(ds):
        t = _first_query_panel(ds[0])["targets"][0]
        t["expr"] = t["expr"].replace("$namespace", "$namespaces", 1)

    def empty_expr(ds):
        _first_query_panel(ds[0])["targets"][0]["expr"] = ""

    def no_targets(ds):
        _first_query_panel(ds[0])["targets"] = []

    def numeric_id(ds):
        ds[0]["id"] = 42

    def inputs(ds):
        ds[0]["__inputs"] = [{"name": "DS_PROMETHEUS", "type": "datasource", "pluginId": "prometheus"}]

    def requires(ds):
        ds[0]["__requires"] = []

    def iteration(ds):
        ds[0]["iteration"] = 1712345678901

    def gnet(ds):
        ds[0]["gnetId"] = 12345

    def dup_uid(ds):
        ds[1]["uid"] = ds[0]["uid"]

    def no_uid(ds):
        del ds[0]["uid"]

    def dup_title(ds):
        ps = [p for p, _ in iter_panels(ds[0]) if p.get("targets")]
        ps[1]["title"] = ps[0]["title"]

    def overlap(ds):
        ps = [p for p, _ in iter_panels(ds[0]) if p.get("targets")]
        ps[1]["gridPos"] = dict(ps[0]["gridPos"])

    def no_description(ds):
        _first_query_panel(ds[0])["description"] = ""

    def panel_ds(ds):
        del _first_query_panel(ds[0])["datasource"]

    def dup_refid(ds):
        p = _first_query_panel(ds[0])
        p["targets"].append(copy.deepcopy(p["targets"][0]))

    def syntax_error(ds):
        t = _first_query_panel(ds[0])["targets"][0]
        t["expr"] = t["expr"].replace("(", "((", 1)

    def unknown_function(ds):
        t = _first_query_panel(ds[0])["targets"][0]
        t["expr"] = "rates(" + t["expr"] + "[5m])"

    def bad_var_query(ds):
        for v in ds[0]["templating"]["list"]:
            if v.get("type") == "query":
                v["query"]["query"] = "label_values(node_uname_info, nodename)"
                break

    return [
        ("duplicate panel id", "duplicate panel id", dup_id),
        ("duplicate id inside a collapsed row", "duplicate panel id", nested_dup_id),
        ("hard-coded datasource uid", "no hard-coded uid", hard_uid),
        ("datasource given by name", "no hard-coded uid", string_ds),
        ("Grafana built-in annotation", "no hard-coded uid", builtin_annotation),
        ("no datasource variable", "template variable 'datasource' missing", no_ds_var),
        ("misspelt contract metric", "not in the ctwatch contract", unknown_metric),
        ("foreign metric", "not in the ctwatch contract", foreign_metric),
        ("label outside the contract", "not a contract label", bad_label),
        ("type value outside the contract", "has no type 'entry'", bad_type),
        ("legend label outside the contract", "legend uses label 'host'", bad_legend),
        ("undefined variable", "undefined variable $namespaces", undefined_var),
        ("empty expr", "target without an expr", empty_expr),
        ("panel without targets", "panel without targets", no_targets),
        ("numeric top-level id", "top-level \"id\" must be null", numeric_id),
        ("__inputs", "'__inputs'", inputs),
        ("__requires", "'__requires'", requires),
        ("iteration", "'iteration'", iteration),
        ("gnetId", "'gnetId'", gnet),
        ("uid used twice", "is also used by", dup_uid),
        ("uid missing", "uid must be a stable string", no_uid),
        ("duplicate panel title", "duplicate panel title", dup_title),
        ("overlapping panels", "overlaps", overlap),
        ("panel without description", "without a description", no_description),
        ("panel without datasource", "panel datasource must be", panel_ds),
        ("duplicate refId", "duplicate refId", dup_refid),
        ("variable query outside the contract", "not in the ctwatch contract", bad_var_query),
        ("unbalanced parenthesis", "promtool rejects a query", syntax_error),
        ("unknown function", "promtool rejects a query", unknown_function),
    ]


def self_test():
    paths = default_files()
    if len(paths) < 2:
        print("self-test needs at least two dashboards in dashboards/", file=sys.stderr)
        return 1
    originals = read_files(paths)
    base, _ = lint(originals)
    if base.items:
        print("self-test: the dashboards themselves have findings; fix those first:", file=sys.stderr)
        for i in base.items:
            print("  " + i, file=sys.stderr)
        return 1
    failed = 0
    cases = _mutations()
    # Formatting and JSON syntax work on the text, not on the object.
    text_cases = [
        ("not normalized", "not normalized", lambda t: t.replace("\n  ", "\n    ", 1)),
        ("invalid JSON", "invalid JSON", lambda t: t[:-3]),
    ]
    for desc, expect, fn in text_cases:
        files = [(originals[0][0], fn(originals[0][1]))] + originals[1:]
        f, _ = lint(files)
        ok = any(expect in i for i in f.items)
        failed += not ok
        print(f"{'ok  ' if ok else 'FAIL'} self-test: {desc} -> {'reported' if ok else 'NOT reported'}")
    for desc, expect, fn in cases:
        ds = [json.loads(t) for _, t in originals]
        fn(ds)
        files = [(n, normalized(d)) for (n, _), d in zip(originals, ds)]
        f, _ = lint(files)
        ok = any(expect in i for i in f.items)
        failed += not ok
        print(f"{'ok  ' if ok else 'FAIL'} self-test: {desc} -> "
              f"{'reported' if ok else 'NOT reported (expected ' + repr(expect) + ')'}")
        if not ok:
            for i in f.items:
                print("       finding: " + i)
    total = len(cases) + len(text_cases)
    print(f"self-test: {total - failed}/{total} mutations reported")
    return 1 if failed else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--fix", action="store_true", help="rewrite files in normalized formatting")
    ap.add_argument("--self-test", action="store_true", help="check that every check can fail")
    ap.add_argument("files", nargs="*", help="dashboard JSON files (default: dashboards/*.json)")
    args = ap.parse_args()
    if args.self_test:
        return self_test()
    paths = args.files or default_files()
    if not paths:
        print(f"lint: no dashboards found in {os.path.join(REPO, 'dashboards')}", file=sys.stderr)
        return 2
    try:
        files = read_files(paths)
    except OSError as e:
        print(f"lint: {e}", file=sys.stderr)
        return 2
    f, rewrites = lint(files, fix=args.fix)
    path_of = {display_name(p): p for p in paths}
    for name, text in rewrites.items():
        with open(path_of[name], "w", encoding="utf-8") as fh:
            fh.write(text)
        print(f"lint: rewrote {name} (normalized formatting)")
    for i in f.items:
        print("FAIL: " + i, file=sys.stderr)
    n = len(files)
    if f.items:
        print(f"lint: {len(f.items)} finding(s) in {n} dashboard(s)", file=sys.stderr)
        return 1
    print(f"lint: {n} dashboard(s) ok ({', '.join(name for name, _ in files)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
