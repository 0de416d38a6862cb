#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""One source for every threshold and severity: plugin/core/thresholds.hpp.

Compares what the C++ defines (printed by thresholds_dump) with
  - the mixin's defaults: jsonnet -e "(import 'mixin/config.libsonnet')._config"
    (fillPageRatio, fillGateRatio, fillingFastSeconds, timeWaitShareRatio);
  - the rendered rules, rules/prometheus/ctwatch.rules.yml: labels.severity of
    every alert, the same set of alerts both ways, and the page thresholds as
    they appear in the ConntrackTableNearlyFull / FillingFast expressions;
and fails naming each value that drifted.

usage: thresholds_drift.py THRESHOLDS_DUMP SOURCE_DIR
Exit status: 0 agree, 1 drift, 77 jsonnet or PyYAML missing.
"""
import json
import re
import shutil
import subprocess
import sys


def main():
    dump, src = sys.argv[1], sys.argv[2]
    try:
        import yaml
    except ImportError:
        print("SKIP: PyYAML (python3-yaml) is not installed", file=sys.stderr)
        return 77
    if not shutil.which("jsonnet"):
        print("SKIP: jsonnet is not installed", file=sys.stderr)
        return 77

    cpp = json.loads(subprocess.run([dump], check=True, capture_output=True, text=True).stdout)
    config = json.loads(subprocess.run(
        ["jsonnet", "-e", "(import 'mixin/config.libsonnet')._config"],
        cwd=src, check=True, capture_output=True, text=True).stdout)
    with open(f"{src}/rules/prometheus/ctwatch.rules.yml") as f:
        rules = yaml.safe_load(f)

    errors = []
    for key, want in cpp["mixin"].items():
        got = config.get(key)
        if got is None:
            errors.append(f"mixin/config.libsonnet: no key {key} (C++ has {want:g})")
        elif float(got) != want:
            errors.append(f"mixin/config.libsonnet: {key} is {got}, plugin/core/thresholds.hpp says {want:g}")

    alerts = {r["alert"]: r for g in rules["groups"] for r in g["rules"] if "alert" in r}
    for name, sev in cpp["alerts"].items():
        if name not in alerts:
            errors.append(f"ctwatch.rules.yml: no alert {name} (plugin/core/thresholds.hpp has it)")
            continue
        got = alerts[name].get("labels", {}).get("severity")
        if got != sev:
            errors.append(f"ctwatch.rules.yml: {name} has severity {got}, plugin/core/thresholds.hpp says {sev}")
    for name in alerts:
        if name not in cpp["alerts"]:
            errors.append(f"ctwatch.rules.yml: alert {name} is not in plugin/core/thresholds.hpp kAlerts")

    # The thresholds as the rendered expressions carry them.
    def numbers(alert):
        expr = alerts.get(alert, {}).get("expr", "")
        return [float(x) for x in re.findall(r"(?:>=|<|>|<=)\s*([0-9.]+)\b", expr)]
    page = cpp["mixin"]["fillPageRatio"]
    if page not in numbers("ConntrackTableNearlyFull"):
        errors.append(f"ConntrackTableNearlyFull: expression has no `>= {page:g}` ({numbers('ConntrackTableNearlyFull')})")
    fast = numbers("ConntrackTableFillingFast")
    for key in ("fillGateRatio", "fillingFastSeconds"):
        if cpp["mixin"][key] not in fast:
            errors.append(f"ConntrackTableFillingFast: expression lacks {key} = {cpp['mixin'][key]:g} ({fast})")
    if f"<= {cpp['kernelDefaultMax']}" not in alerts.get("ConntrackMaxNotTuned", {}).get("expr", ""):
        errors.append(f"ConntrackMaxNotTuned: expression lacks `<= {cpp['kernelDefaultMax']}`")

    for e in errors:
        print("FAIL:", e, file=sys.stderr)
    if errors:
        return 1
    print(f"ok: {len(cpp['mixin'])} mixin defaults, {len(cpp['alerts'])} alert severities and the page "
          "thresholds in the rules agree with plugin/core/thresholds.hpp")
    return 0


if __name__ == "__main__":
    sys.exit(main())
