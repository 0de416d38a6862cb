#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Compare what two renders of the dashboards show, panel by panel.

    tests/dashboards/compare_panels.py OLD_DIR NEW_DIR

OLD_DIR and NEW_DIR hold ctwatch-*.json (e.g. dashboards/ and the output of
mixin/render.sh -o DIR).  For every panel (matched by title) it compares the
query expressions (with their legends), the variable queries, the unit, the
decimals, min/max, the threshold steps, the value mappings, the overrides
and the links (panel links, data links, dashboard links); layout, ids and
Grafana's default options may differ.  Exit status 0 when equal, 1 with one
line per difference.  Used to check a refactoring of mixin/dashboards/ keeps
what every panel shows.
"""
import glob
import json
import os
import sys


def summary(dash):
    out = {"_dashboard": {k: dash.get(k) for k in ("uid", "title", "tags", "refresh", "links")}}
    out["_variables"] = [
        (v["name"], v.get("definition"), (v.get("query") or {}).get("query") if isinstance(v.get("query"), dict) else v.get("query"),
         v.get("multi"), v.get("includeAll"))
        for v in dash["templating"]["list"]]
    for p in dash["panels"]:
        d = p.get("fieldConfig", {}).get("defaults", {})
        out[p["title"]] = {
            "type": p["type"],
            "queries": [(t.get("expr"), t.get("legendFormat", ""), t.get("format")) for t in p.get("targets", [])],
            "unit": d.get("unit"),
            "decimals": d.get("decimals"),
            "min": d.get("min"),
            "max": d.get("max"),
            "noValue": d.get("noValue"),
            "thresholds": (d.get("thresholds") or {}).get("steps") or None,
            "mappings": d.get("mappings") or None,
            "overrides": p.get("fieldConfig", {}).get("overrides") or None,
            "links": p.get("links") or None,
            "dataLinks": d.get("links") or None,
            "transformations": p.get("transformations") or None,
            "description": p.get("description"),
            "text": (p.get("options") or {}).get("content"),
        }
    return out


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    old_dir, new_dir = sys.argv[1:]
    diffs = []
    names = sorted(os.path.basename(f) for f in glob.glob(os.path.join(old_dir, "*.json")))
    for name in names:
        old = summary(json.load(open(os.path.join(old_dir, name))))
        new = summary(json.load(open(os.path.join(new_dir, name))))
        for title in sorted(set(old) | set(new)):
            if title not in new:
                diffs.append(f"{name}: panel {title!r} is gone")
            elif title not in old:
                diffs.append(f"{name}: panel {title!r} is new")
            elif old[title] != new[title]:
                if isinstance(old[title], dict):
                    for k in old[title]:
                        if old[title][k] != new[title].get(k):
                            diffs.append(f"{name}: {title!r} {k}: {json.dumps(old[title][k])[:300]} -> {json.dumps(new[title].get(k))[:300]}")
                else:
                    diffs.append(f"{name}: {title!r}: {json.dumps(old[title])[:300]} -> {json.dumps(new[title])[:300]}")
        print(f"{name}: {len(old) - 2} panels compared")
    for d in diffs:
        print(d)
    print("equal" if not diffs else f"{len(diffs)} differences")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
