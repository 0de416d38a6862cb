#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The alert rules at production settings (collectd Interval 10, scrape and
# evaluation every 15 s, the rules' real `for:`, Alertmanager's critical
# group_wait 10 s), fed the values the plugin's own estimator produces
# (tests/rules/production_sim.cpp):
#   - every linear ramp from <= 50 % at 100..2,000 entries/s on a 262,144
#     table has a critical alert firing at the last evaluation that leaves
#     group_wait before the table is full, in every modelled alignment;
#   - a steady table below 80 % with a few % of noise, and a burst that
#     stops below 50 %, page nobody over hours;
# then builds the lead-time table from the first firing promtool's own rule
# engine reports, and fails unless it is, exactly, the table in
# docs/alerting.md (between the lead-time markers). The simulation is
# deterministic (fixed noise seed, promtool's own engine), so any change to
# the estimator (core::FillTrend), to ConntrackTableFillingFast or to the
# rules' thresholds that moves a lead time by one second fails here; after a
# deliberate change, review the new table and rewrite the docs with -u.
#
#   tests/rules/production.sh SIM_BINARY [-u]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../stack/lib.sh"
sim=${1:?usage: production.sh SIM_BINARY [-u]}
update=0
[[ ${2:-} == -u ]] && update=1
root=$(cd "$here/../.." && pwd)
rules=$root/rules/prometheus/ctwatch.rules.yml
doc=$root/docs/alerting.md
require_tools promtool:prometheus

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$sim" "$rules" tests >"$work/production.test.yml"
log "+ promtool test rules (production settings: $(grep -c "^  - name:" "$work/production.test.yml") scenarios)"
if ! promtool test rules "$work/production.test.yml" >"$work/out.txt" 2>&1; then
  cat "$work/out.txt" >&2
  die "a ramp was not paged group_wait before the first drop, or a quiet table paged (above)"
fi
pass "every ramp paged at least group_wait before full; steady and sub-50 % tables paged nobody"

# The lead-time table: each probe expects -1, so promtool reports the real
# first firing time as "got".
"$sim" "$rules" probe >"$work/probe.test.yml" 2>"$work/scenarios.txt"
promtool test rules "$work/probe.test.yml" >"$work/probe.txt" 2>&1 || true
PYTHONPATH="$(dirname "$doc")/../tests/support" python3 - "$work/scenarios.txt" "$work/probe.txt" "$doc" "$update" <<'PY'
import re, sys
import docblock  # tests/support/docblock.py
scen = [l.rstrip("\n").split("\t")[1:] for l in open(sys.argv[1]) if l.startswith("scenario\t")]
got = []
for line in open(sys.argv[2]):
    m = re.search(r"got: (.*)$", line.strip())
    if m:
        v = re.search(r"\{\} ([0-9.eE+-]+)", m.group(1))
        got.append(float(v.group(1)) if v else None)
if len(got) != len(scen):
    sys.exit(f"FAIL: {len(scen)} probes but {len(got)} results")
doc, update = sys.argv[3], sys.argv[4] == "1"
table = ["| ramp (entries/s) | from | first drop at | critical alert fires | page delivered (+ group_wait 10 s) | page before first drop |",
         "|---|---|---|---|---|---|"]
worst = None
for (name, rate, start, t0, full), fire in zip(scen, got):
    full = float(full) - float(t0)
    fire = None if fire is None else fire - float(t0)
    if fire is None:
        table.append(f"| {rate} | {start} % | {full:.0f} s | never | — | **missed** |")
        worst = -1e9
        continue
    page = fire + 10
    lead = full - page
    worst = lead if worst is None else min(worst, lead)
    table.append(f"| {rate} | {start} % | {full:.0f} s | {fire:.0f} s | {page:.0f} s | {lead:.0f} s |")
print("Times from the start of the ramp (worst modelled alignment: collectd read 9 s after the")
print("condition, scrape 14 s after the read, evaluation right after the scrape).\n")
print("\n".join(table))
print(f"\nworst case: the page arrives {worst:.0f} s before the first drop")
if worst < 0:
    sys.exit("FAIL: a page arrived after the first drop (less than group_wait after the alert fired)")

# The table in the docs, between its markers, must be this one, exactly.
begin = "<!-- BEGIN lead-time table: written by tests/rules/production.sh SIM -u; rules_production fails when it differs -->"
end = "<!-- END lead-time table -->"
head, old, tail = docblock.read(doc, begin, end)
new = "\n" + "\n".join(table) + "\n"
if update:
    open(doc, "w").write(head + begin + new + end + tail)
    print(f"wrote the lead-time table into {doc}")
elif old != new:
    import difflib
    sys.stdout.writelines(difflib.unified_diff(old.splitlines(True), new.splitlines(True), "docs/alerting.md", "this run"))
    sys.exit("FAIL: the lead-time table in docs/alerting.md is not what the rules and the estimator give now "
             "(above); if the change is deliberate, review it and run production.sh SIM -u")
PY
pass "lead-time table above = docs/alerting.md's"
