#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Live view of the replay for a person (scripts/demo.sh).

  watch.py --prometheus URL --webhook FILE --ns-label L --t0 T
           [--until UNIX_TIME] [--since UNIX_TIME] [--every 2]

Every --every seconds, one compact line with what Prometheus has for the
namespace (fill %, entries/max, TCP states from the census, drop and
early_drop counters); as soon as Alertmanager delivers a notification to
the webhook receiver, one line per alert (receiver, FIRING/RESOLVED, alert
name, severity, summary). Notifications received before --since are not
shown. Runs until --until (0: until SIGINT/SIGTERM).
"""

import argparse
import json
import signal
import sys
import time
import urllib.parse
import urllib.request

BAR = 20
COLOR = sys.stdout.isatty()


def paint(text, code):
    return f"\033[{code}m{text}\033[0m" if COLOR else text


def query(url, expr):
    u = url.rstrip("/") + "/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    with urllib.request.urlopen(u, timeout=5) as r:
        doc = json.load(r)
    return doc["data"]["result"] if doc.get("status") == "success" else []


def status_line(url, ns, t0):
    sel = f'ctwatch="{ns}"'
    v = {}
    for r in query(url, f'{{__name__=~"collectd_ctwatch_(conntrack|percent|tcp_connections|errors_total)",{sel}}}'):
        v[(r["metric"]["__name__"].replace("collectd_ctwatch_", ""), r["metric"].get("type"))] = float(r["value"][1])
    ent, mx = v.get(("conntrack", "entries")), v.get(("conntrack", "max"))
    rel = f"+{time.time() - t0:5.0f}s"
    if ent is None or not mx:
        return f"{rel}  (no values for namespace {ns} yet)"
    pct = 100 * ent / mx
    filled = min(BAR, int(round(pct / 100 * BAR)))
    bar = "#" * filled + "." * (BAR - filled)
    if pct >= 80:
        bar = paint(bar, "31")
    states = {t: x for (f, t), x in v.items() if f == "tcp_connections" and x}
    top = sorted(states.items(), key=lambda kv: -kv[1])[:3]
    st = "  ".join(f"{k} {x:.0f}" + (f" ({100 * x / ent:.0f} %)" if k == "TIME_WAIT" else "") for k, x in top)
    drop, early = v.get(("errors_total", "drop"), 0), v.get(("errors_total", "early_drop"), 0)
    dtxt = f"drop {drop:.0f}"
    if drop:
        dtxt = paint(dtxt, "1;31")
    return (f"{rel}  [{bar}] {pct:5.1f} %  {ent:.0f}/{mx:.0f}  {st or '(no census yet)'}"
            f"  {dtxt}  early_drop {early:.0f}")


def new_notifications(path, offset, since):
    out = []
    try:
        with open(path) as f:
            f.seek(offset)
            while True:
                pos = f.tell()
                line = f.readline()
                if not line.endswith("\n"):
                    f.seek(pos)
                    break
                post = json.loads(line)
                if post["received"] < since or not isinstance(post.get("body"), dict):
                    continue
                for a in post["body"].get("alerts", []):
                    out.append((post["received"], post["path"].strip("/"), a))
            offset = f.tell()
    except FileNotFoundError:
        pass
    return offset, out


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--prometheus", required=True)
    p.add_argument("--webhook", required=True)
    p.add_argument("--ns-label", required=True)
    p.add_argument("--t0", type=float, required=True)
    p.add_argument("--until", type=float, default=0)
    p.add_argument("--since", type=float, default=0)
    p.add_argument("--every", type=float, default=2)
    a = p.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    offset, next_status = 0, 0.0
    while not a.until or time.time() < a.until:
        now = time.time()
        offset, notes = new_notifications(a.webhook, offset, a.since)
        for received, receiver, al in notes:
            l, ann = al.get("labels", {}), al.get("annotations", {})
            firing = al.get("status") == "firing"
            tag = paint("FIRING  ", "1;31") if firing else paint("RESOLVED", "32")
            print(f"+{received - a.t0:5.0f}s  >>> {receiver:<6} {tag} {l.get('alertname')} "
                  f"[{l.get('severity')}] {ann.get('summary', '')}", flush=True)
        if now >= next_status:
            next_status = now + a.every
            try:
                print(status_line(a.prometheus, a.ns_label, a.t0), flush=True)
            except (OSError, ValueError) as e:
                print(f"+{now - a.t0:5.0f}s  (Prometheus: {e})", flush=True)
        time.sleep(0.25)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
