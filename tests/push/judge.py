#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Watch one phase of tests/push/run.sh and judge the pages.

  judge.py --alertmanager URL --webhook FILE --instance HOST --phase NAME
           --ramp LABEL=T0:KERNEL.jsonl[:RATE] ... [--quiet LABEL=KERNEL.jsonl ...]
           [--prometheus URL] --until SECONDS [--min SECONDS] [--timeline FILE]

While the phase runs (until --until seconds after the first ramp's T0; at
least --min), polls Alertmanager's /api/v2/alerts every 0.2 s and records
when each alert (by fingerprint) first appeared. The phase ends early once
every ramp namespace has dropped a packet and, with --prometheus, once
Prometheus's own ConntrackTableFillingFast fires for every ramp namespace
(so both paths really ran side by side). Then it checks, per ramp namespace:

  * a page (a firing notification at the receiver `pager`, whose alerts all
    have ctwatch=LABEL and instance=HOST) arrived BEFORE the kernel's first
    drop in that namespace (from ctmon's samples);
  * the first page is ConntrackTableFillingFast with severity critical, and
    its description names the fill and the time to full;
  * exactly one firing notification per group (alertname, instance,
    ctwatch) reached the receiver in the phase: both paths, one page;
  * with --prometheus: Prometheus's ConntrackTableFillingFast fired for it,
    and Alertmanager held one alert for it, not two (same labels, one
    fingerprint: no "updated group" notification a group_interval later);

and for every quiet namespace: no alert in Alertmanager and no
notification at the receiver. Prints the timeline (seconds after the
ramp's start): gate (50 %) crossed in the kernel, condition true and
notification dispatched (the alert's startsAt: the plugin's tick),
Alertmanager received, page delivered, first drop; and appends it, one
JSON object per ramp (seconds after its start) and per quiet namespace, to
--timeline, which tests/push/timeline.py checks against docs/push.md.
Exit 1 on any failure.
"""

import argparse
import json
import sys
import time
import urllib.request
from pathlib import Path

# The webhook receiver's and ctmon's JSON-lines logs are read as the replay reads them.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "replay"))
from judge import read_jsonl  # noqa: E402  (tests/replay/judge.py)


def get_json(url, timeout=2):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return json.load(r)


def parse_time(s):
    # 2026-12-06T19:20:00.123Z or with more fraction digits / offset
    from datetime import datetime
    s = s.replace("Z", "+00:00")
    if "." in s:
        head, rest = s.split(".", 1)
        frac = "".join(ch for ch in rest if ch.isdigit())
        tz = rest[len(frac):]
        s = f"{head}.{frac[:6]}{tz}"
    return datetime.fromisoformat(s).timestamp()


def first_drop(samples):
    if not samples:
        return None
    base = samples[0]["drop"]
    for s in samples:
        if s["drop"] > base:
            return s["t"]
    return None


def first_at(samples, ratio):
    for s in samples:
        if s["max"] and s["count"] / s["max"] >= ratio:
            return s["t"]
    return None


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--alertmanager", required=True)
    p.add_argument("--webhook", required=True)
    p.add_argument("--instance", required=True)
    p.add_argument("--phase", required=True)
    p.add_argument("--ramp", action="append", default=[])
    p.add_argument("--quiet", action="append", default=[])
    p.add_argument("--prometheus")
    p.add_argument("--until", type=float, required=True)
    p.add_argument("--min", type=float, default=0)
    p.add_argument("--timeline")
    a = p.parse_args()

    ramps = {}
    for r in a.ramp:
        label, rest = r.split("=", 1)
        parts = rest.split(":")
        ramps[label] = {"t0": float(parts[0]), "kernel": parts[1], "rate": parts[2] if len(parts) > 2 else "?"}
    quiet = dict(q.split("=", 1) for q in a.quiet)
    labels = set(ramps) | set(quiet)
    t_start = min(r["t0"] for r in ramps.values())

    seen = {}   # fingerprint -> {"first": t, "labels": ..., "startsAt": ...}
    prom_fired = {}
    while True:
        now = time.time()
        try:
            for al in get_json(a.alertmanager + "/api/v2/alerts?active=true&silenced=true&inhibited=true"):
                lab = al.get("labels", {})
                if lab.get("ctwatch") not in labels:
                    continue
                fp = al["fingerprint"]
                if fp not in seen:
                    seen[fp] = {"first": now, "labels": lab, "startsAt": parse_time(al["startsAt"]),
                                "description": al.get("annotations", {}).get("description", "")}
        except Exception as e:  # noqa: BLE001 - keep polling; report at the end
            print(f"note: Alertmanager poll failed: {e}", file=sys.stderr)
        if a.prometheus:
            try:
                for al in get_json(a.prometheus + "/api/v1/alerts")["data"]["alerts"]:
                    lab = al["labels"]
                    if al["state"] == "firing" and lab.get("ctwatch") in ramps and \
                            lab.get("alertname") == "ConntrackTableFillingFast":
                        prom_fired.setdefault(lab["ctwatch"], now)
            except Exception as e:  # noqa: BLE001
                print(f"note: Prometheus poll failed: {e}", file=sys.stderr)
        elapsed = now - t_start
        dropped = all(first_drop(read_jsonl(r["kernel"])) for r in ramps.values())
        prom_ok = not a.prometheus or all(l in prom_fired for l in ramps)
        # A page delivered after the drop would be a failure anyway; wait a
        # little past the last drop for the drop pages' group_wait.
        if elapsed >= a.until or (elapsed >= a.min and dropped and prom_ok):
            break
        time.sleep(0.2)
    time.sleep(0.5)

    fails = []
    hooks = read_jsonl(a.webhook)
    rows = []
    print(f"--- phase {a.phase} ---")
    for label, r in sorted(ramps.items()):
        kernel = read_jsonl(r["kernel"])
        t0 = r["t0"]
        drop = first_drop(kernel)
        gate = first_at(kernel, 0.5)
        mine = [h for h in hooks if h["body"].get("status") == "firing" and h["body"].get("alerts")
                and all(x["labels"].get("ctwatch") == label and x["labels"].get("instance") == a.instance
                        for x in h["body"]["alerts"])]
        groups = {}
        for h in mine:
            key = h["body"]["alerts"][0]["labels"].get("alertname")
            groups.setdefault(key, []).append(h)
        for name, hs in groups.items():
            if len(hs) != 1:
                fails.append(f"{label}: {len(hs)} firing notifications for {name}, not one: "
                             + ", ".join(f"+{h['received'] - t0:.1f}s" for h in hs))
        if not mine:
            fails.append(f"{label}: no page reached the receiver")
            continue
        page = mine[0]
        if page["path"] != "/pager":
            fails.append(f"{label}: the page went to {page['path']}, not /pager")
        alert = page["body"]["alerts"][0]
        name = alert["labels"].get("alertname")
        if name != "ConntrackTableFillingFast" or alert["labels"].get("severity") != "critical":
            fails.append(f"{label}: the first page is {name} ({alert['labels'].get('severity')}), "
                         "not ConntrackTableFillingFast (critical)")
        desc = alert.get("annotations", {}).get("description", "")
        if "full in about" not in desc or "% full" not in desc:
            fails.append(f"{label}: the page's description lacks the fill or the time to full: {desc!r}")
        am = [s for s in seen.values() if s["labels"].get("ctwatch") == label
              and s["labels"].get("alertname") == name]
        dispatched = am[0]["startsAt"] if am else None
        received = am[0]["first"] if am else None
        delivered = page["received"]
        if drop is None:
            fails.append(f"{label}: the kernel never dropped (the ramp did not fill the table)")
        elif delivered >= drop:
            fails.append(f"{label}: the page (+{delivered - t0:.1f} s) came after the first drop (+{drop - t0:.1f} s)")
        if a.prometheus and label not in prom_fired:
            fails.append(f"{label}: Prometheus's ConntrackTableFillingFast never fired: no proof of both paths")
        if a.prometheus and len(am) != 1:
            # Same labels on both paths: Alertmanager holds ONE alert, so no
            # "new alert in the group" notification a group_interval later.
            fails.append(f"{label}: {len(am)} {name} alerts in Alertmanager (fingerprints), not one: "
                         f"{[s_['labels'] for s_ in am]}")

        def rel(x):
            return f"{x - t0:.1f}" if x is not None else "-"

        def relv(x):
            return round(x - t0, 3) if x is not None else None
        lead = f"{drop - delivered:.1f}" if drop is not None else "-"
        print(f"{label} ({r['rate']}/s): gate 50 % +{rel(gate)} s; condition true / notification dispatched "
              f"+{rel(dispatched)} s; Alertmanager received +{rel(received)} s; page delivered +{rel(delivered)} s; "
              f"first drop +{rel(drop)} s; lead {lead} s"
              + (f"; Prometheus's own FillingFast fired +{rel(prom_fired.get(label))} s" if a.prometheus else ""))
        print(f"  page: {desc}")
        print(f"  firing notifications at the receiver: "
              + ", ".join(f"{n} x{len(hs)}" for n, hs in sorted(groups.items())))
        rows.append({"phase": a.phase, "namespace": label, "rate": r["rate"], "gate": relv(gate),
                     "dispatched": relv(dispatched), "received": relv(received), "delivered": relv(delivered),
                     "drop": relv(drop), "prometheus": relv(prom_fired.get(label)) if a.prometheus else None,
                     "page": desc})
    for label in sorted(quiet):
        kernel = read_jsonl(quiet[label])
        fills = [s["count"] / s["max"] for s in kernel if s["max"]]
        got = [h for h in hooks if any(x["labels"].get("ctwatch") == label for x in h["body"].get("alerts", []))]
        am = [s for s in seen.values() if s["labels"].get("ctwatch") == label]
        if got or am:
            fails.append(f"quiet {label}: {len(got)} notification(s) at the receiver, {len(am)} alert(s) in "
                         f"Alertmanager: {[s['labels'].get('alertname') for s in am]}")
        span = f"{min(fills):.0%}-{max(fills):.0%}" if fills else "?"
        print(f"quiet {label}: fill {span} over {len(kernel) / 10:.0f} s; alerts {len(am)}, notifications {len(got)}")
        rows.append({"phase": a.phase, "quiet": label, "low": min(fills, default=None), "high": max(fills, default=None),
                     "seconds": round(len(kernel) / 10), "alerts": len(am), "notifications": len(got)})
    if a.timeline and rows:
        with open(a.timeline, "a") as f:
            f.write("".join(json.dumps(r) + "\n" for r in rows))
    for f_ in fails:
        print(f"FAIL: {f_}", file=sys.stderr)
    if not fails:
        print(f"ok:   phase {a.phase}: every ramp paged before its first drop, one notification per group")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
