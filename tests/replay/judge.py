#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Waits for the replay's pages, then checks them against the kernel's truth.

Called by tests/replay/run.sh once the chatty client runs. Inputs:
  --webhook FILE   the webhook receiver's JSONL (one line per Alertmanager POST)
  --kernel FILE    ctmon.py's JSONL (count, max, drop, ... every 0.1 s, inside
                   the namespace)
  --prometheus URL the Prometheus that evaluated the rules
  --t0 T           unix time the chatty client started (timeline zero)
It waits (printing progress) until both pages arrived, or --deadline seconds
after T0, then checks:
  1. ConntrackTableNearlyFull arrived, firing, with severity=critical,
     ctwatch=<ns>, instance=<collectd host>, at the `pager` receiver;
  2. ... while the kernel's drop counter was still 0 (last ctmon sample
     before the arrival) and Prometheus's collectd_ctwatch_errors_total
     {type="drop"} at that instant was 0 too;
  3. the kernel did drop later (the table really filled), and, with
     --lead SECONDS --lead-tolerance -LOW,+HIGH, the page came between
     SECONDS-LOW and SECONDS+HIGH before the first drop (the lead the
     README promises, not only "before");
  4. ConntrackPacketsDropped (type=drop, severity=critical) arrived at
     `pager` after the first drop, within --max-drop-latency seconds;
  5. TIME_WAIT >= 50 % of the entries once the table was full, in
     Prometheus (census TIME_WAIT / entries at the Dropped page) and in the
     kernel (conntrack -L in the namespace, --netns);
  6. nf_conntrack_max stayed at --limit all along (no other test changed it);
  7. nothing was delivered for the host namespace (ctwatch="host");
  8. inhibition (rules/alertmanager/alertmanager.example.yml): no
     ConntrackTableFillingUp / ConntrackMaxNotTuned notification after the
     NearlyFull page, no ConntrackEarlyDrops after the Dropped page (for
     the same instance and namespace, allowing --inhibit-grace seconds).
     These rarely fire in the replay, so with --alertmanager the inhibition
     is also probed while both pages are firing: probe alerts
     (replay_probe="true") are posted to Alertmanager's API --
     ConntrackEarlyDrops, ConntrackMaxNotTuned and ConntrackTableFillingUp
     for the replay namespace must show as inhibited by the real firing
     alerts and never reach the receiver; the same ConntrackEarlyDrops for
     another namespace (the control) must not be inhibited and must be
     delivered to `chat`.
Prints the timeline (seconds since T0) and writes it to --timeline if given.
Exit 0 when every check passed, 1 otherwise.
"""

import argparse
import json
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request

PAGE = "ConntrackTableNearlyFull"   # the default page; --pages widens it
DROPPED = "ConntrackPacketsDropped"
FILL_PAGES = {"ConntrackTableNearlyFull", "ConntrackTableFillingFast"}


def first_of(notes, names, ns, instance):
    """The earliest firing notification among the alert names."""
    found = [n for n in (first(notes, name, ns, instance) for name in names) if n]
    return min(found, key=lambda n: n["received"]) if found else None


def evidence_lines(path, ns):
    """ctwatch's "census at once" NOTICE lines for namespace ns, with their
    unix time (collectd's logfile prints local time "[YYYY-MM-DD HH:MM:SS]")."""
    out = []
    try:
        with open(path) as f:
            for line in f:
                if "census at once" not in line or f'namespace "{ns}"' not in line:
                    continue
                m = re.match(r"\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\]", line)
                t = time.mktime(time.strptime(m.group(1), "%Y-%m-%d %H:%M:%S")) if m else None
                out.append((t, line.strip()))
    except FileNotFoundError:
        pass
    return out


def read_jsonl(path):
    out = []
    try:
        with open(path) as f:
            for line in f:
                line = line.strip()
                if line:
                    try:
                        out.append(json.loads(line))
                    except ValueError:
                        pass  # a line being written
    except FileNotFoundError:
        pass
    return out


def notifications(path):
    """Flattens Alertmanager webhook posts: one dict per alert per post."""
    out = []
    for post in read_jsonl(path):
        body = post.get("body")
        if not isinstance(body, dict):
            continue
        for a in body.get("alerts", []):
            out.append({"received": post["received"], "receiver": post["path"].strip("/"),
                        "status": a.get("status"), "labels": a.get("labels", {}),
                        "annotations": a.get("annotations", {}), "startsAt": a.get("startsAt")})
    return out


def first(notes, alertname, ns, instance, **labels):
    for n in notes:
        l = n["labels"]
        if (l.get("alertname") == alertname and l.get("ctwatch") == ns and l.get("instance") == instance
                and n["status"] == "firing" and all(l.get(k) == v for k, v in labels.items())):
            return n
    return None


class Prom:
    def __init__(self, url):
        self.url = url.rstrip("/")

    def query(self, expr, t=None):
        args = {"query": expr}
        if t is not None:
            args["time"] = f"{t:.3f}"
        with urllib.request.urlopen(self.url + "/api/v1/query?" + urllib.parse.urlencode(args), timeout=10) as r:
            doc = json.load(r)
        if doc.get("status") != "success":
            raise RuntimeError(f"{expr}: {doc}")
        return doc["data"]["result"]

    def value(self, expr, t=None):
        r = self.query(expr, t)
        return float(r[0]["value"][1]) if r else None

    def first_time(self, expr, start, end):
        args = {"query": expr, "start": f"{start:.3f}", "end": f"{end:.3f}", "step": "0.5"}
        with urllib.request.urlopen(self.url + "/api/v1/query_range?" + urllib.parse.urlencode(args), timeout=10) as r:
            doc = json.load(r)
        ts = [float(v[0]) for s in doc["data"]["result"] for v in s["values"]]
        return min(ts) if ts else None


def probe_inhibition(a, ns, inst, ok, fail):
    """Posts probe alerts to Alertmanager while the real pages fire (see 8.)."""
    am = a.alertmanager.rstrip("/")
    now = time.time()
    iso = lambda t: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))
    control_ns = ns + "-control"
    probes = [  # (alertname, severity, namespace, should be inhibited by)
        ("ConntrackEarlyDrops", "warning", ns, {DROPPED}),
        # Either critical fill alert inhibits these (example inhibit_rules).
        ("ConntrackMaxNotTuned", "info", ns, FILL_PAGES),
        ("ConntrackTableFillingUp", "warning", ns, FILL_PAGES),
        ("ConntrackEarlyDrops", "warning", control_ns, None),
    ]
    body = [{"labels": {"alertname": n, "severity": sev, "instance": inst, "ctwatch": pns,
                        "job": "collectd", "replay_probe": "true"},
             "annotations": {"summary": f"replay probe: {n} for {pns}"},
             "startsAt": iso(now - 1), "endsAt": iso(now + 120)} for n, sev, pns, _ in probes]
    req = urllib.request.Request(am + "/api/v2/alerts", data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"}, method="POST")
    try:
        urllib.request.urlopen(req, timeout=10).read()
        time.sleep(1)
        with urllib.request.urlopen(am + "/api/v2/alerts?active=true&inhibited=true&silenced=true",
                                    timeout=10) as r:
            listed = json.load(r)
        # Real firing alerts, to name the inhibitor by fingerprint.
        names = {x["fingerprint"]: x["labels"].get("alertname") for x in listed}
        # The real alerts that can inhibit, firing in Alertmanager right now
        # for this namespace. At production settings FillingFast resolves
        # once the full table stops growing, and NearlyFull may still be
        # pending: an inhibitor that is not firing cannot be probed.
        expect_inhibited = set()
        firing = {x["labels"].get("alertname") for x in listed
                  if x["labels"].get("replay_probe") != "true" and x["labels"].get("ctwatch") == ns
                  and x.get("status", {}).get("state") in ("active", "suppressed")}
        for n, _, pns, by in probes:
            got = [x for x in listed if x["labels"].get("replay_probe") == "true"
                   and x["labels"].get("alertname") == n and x["labels"].get("ctwatch") == pns]
            if not got:
                fail(f"probe {n}{{ctwatch={pns}}} is not listed by Alertmanager")
                continue
            inhibitors = {names.get(f, f) for f in got[0]["status"].get("inhibitedBy") or []}
            if by and by & firing:
                expect_inhibited.add((n, pns))
            if by and not (by & firing):
                ok(f"probe {n}{{ctwatch={pns}}}: none of {', '.join(sorted(by))} is firing now, "
                   f"so its inhibition is not probed (inhibited by {sorted(inhibitors) or 'nothing'})")
                continue
            if by and by & inhibitors:
                ok(f"probe {n}{{ctwatch={pns}}} is inhibited by the firing {', '.join(sorted(by & inhibitors))} (example inhibit_rules)")
            elif by:
                fail(f"probe {n}{{ctwatch={pns}}} is not inhibited by {' or '.join(sorted(by))} (inhibited by {sorted(inhibitors) or 'nothing'})")
            elif inhibitors:
                fail(f"control probe {n}{{ctwatch={pns}}} is inhibited by {sorted(inhibitors)}: the rule is too broad")
            else:
                ok(f"control probe {n}{{ctwatch={pns}}} (other namespace) is not inhibited")
        # Delivery: the control's route waits group_wait (1 s in the scaled
        # replay, the example's 30 s at production settings: --probe-wait).
        deadline = time.time() + a.probe_wait
        while time.time() < deadline:
            if any(n["labels"].get("replay_probe") == "true" and n["labels"].get("ctwatch") == control_ns
                   for n in notifications(a.webhook)):
                break
            time.sleep(0.25)
        time.sleep(1)
        delivered = [n for n in notifications(a.webhook) if n["labels"].get("replay_probe") == "true"]
        leaked = [n for n in delivered if (n["labels"].get("alertname"), n["labels"].get("ctwatch")) in expect_inhibited]
        control = [n for n in delivered if n["labels"].get("ctwatch") == control_ns]
        if leaked:
            fail("inhibited probes were delivered: " + ", ".join(
                f"{n['labels']['alertname']} to {n['receiver']}" for n in leaked))
        if control and all(n["receiver"] == "chat" for n in control):
            ok("the control probe was delivered to chat; the inhibited ones were not")
        else:
            fail(f"the control probe was not delivered to chat (got {[n['receiver'] for n in control]})")
    except (OSError, ValueError, KeyError) as e:
        fail(f"probing Alertmanager failed: {e}")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--webhook", required=True)
    p.add_argument("--kernel", required=True)
    p.add_argument("--prometheus", required=True)
    p.add_argument("--t0", type=float, required=True)
    p.add_argument("--ns-label", required=True)
    p.add_argument("--instance", required=True)
    p.add_argument("--limit", type=int, required=True)
    p.add_argument("--netns", help="real namespace name, for conntrack -L / -S")
    p.add_argument("--alertmanager", help="Alertmanager URL: probe the inhibit rules live")
    p.add_argument("--deadline", type=float, default=100, help="seconds after T0")
    p.add_argument("--max-drop-latency", type=float, default=30)
    p.add_argument("--inhibit-grace", type=float, default=3)
    p.add_argument("--client-log", help="chatty client's log, for progress lines")
    p.add_argument("--pages", default=PAGE,
                   help="comma-separated alert names that count as the page (the first to arrive)")
    p.add_argument("--census-window", default="10s",
                   help="how far back a census value counts (the census interval or more)")
    p.add_argument("--collectd-log", help="collectd's log: check ctwatch's evidence census NOTICE")
    p.add_argument("--chatty-sources", default="",
                   help="comma-separated addresses of the chatty client: the NOTICE must name one")
    p.add_argument("--probe-wait", type=float, default=6,
                   help="seconds to wait for the control probe's delivery (more than its group_wait)")
    p.add_argument("--tw-of-census", action="store_true",
                   help="TIME_WAIT share of the census's own total, not of the entries gauge at the Dropped page")
    p.add_argument("--prom-tw-min", type=float, default=0.5,
                   help="least TIME_WAIT share the census in Prometheus must show at the Dropped page")
    p.add_argument("--chatty-destination", default="",
                   help="address:port of the chatty client's server: the NOTICE must name it")
    p.add_argument("--timeline")
    p.add_argument("--header", default="", help="extra lines for the timeline (newline separated)")
    p.add_argument("--lead", type=float,
                   help="the promised lead of the page before the first drop, seconds (README)")
    p.add_argument("--lead-tolerance", default="-20,+30",
                   help="LOW,HIGH: the lead must be within [lead+LOW, lead+HIGH] (default -20,+30)")
    p.add_argument("--recap", action="store_true",
                   help="no waiting and no check lines: only print the timeline of what happened (demo)")
    a = p.parse_args()
    pages = [x for x in a.pages.split(",") if x]
    a.page_name = pages[0]
    prom = Prom(a.prometheus)
    ns, inst, t0 = a.ns_label, a.instance, a.t0
    rel = lambda t: t - t0

    # ------------------------------------------------------------ wait --
    last_progress = 0.0
    page = dropped = None
    while not a.recap:
        now = time.time()
        notes = notifications(a.webhook)
        page = first_of(notes, pages, ns, inst)
        dropped = first(notes, DROPPED, ns, inst, type="drop")
        if page and dropped:
            break
        if dropped and now - dropped["received"] > 20:
            break  # the page is not coming
        if rel(now) > a.deadline:
            break
        k = read_jsonl(a.kernel)
        if k and k[-1]["max"] != a.limit:
            print(f"  nf_conntrack_max is {k[-1]['max']}, not our {a.limit}: someone else changed it; stopping", flush=True)
            break
        if now - last_progress >= 5:
            last_progress = now
            k = read_jsonl(a.kernel)
            line = f"  +{rel(now):5.1f} s"
            if k:
                s = k[-1]
                line += f"  entries {s['count']}/{s['max']} ({100 * s['count'] / max(s['max'], 1):.1f} %)  drop {s['drop']}"
            if a.client_log:
                try:
                    with open(a.client_log) as f:
                        tail = [l for l in f.read().splitlines() if l.startswith("t=")]
                    if tail:
                        line += "  | client " + " ".join(tail[-1].split()[1:])
                except OSError:
                    pass
            got = [n["labels"].get("alertname") for n in notes if n["status"] == "firing"]
            line += "  | delivered: " + (", ".join(sorted(set(got))) if got else "nothing yet")
            print(line, flush=True)
        time.sleep(0.25)
    if not a.recap:
        time.sleep(0.5)  # a last kernel sample after the final arrival
    t_end = time.time()

    # --------------------------------------------------------- evidence --
    notes = notifications(a.webhook)
    page = first_of(notes, pages, ns, inst)
    if page:
        a.page_name = page["labels"]["alertname"]
    page_name = a.page_name
    dropped = first(notes, DROPPED, ns, inst, type="drop")
    kernel = read_jsonl(a.kernel)
    failures = []
    def ok(msg):
        if not a.recap:
            print(f"ok:   {msg}")

    def fail(msg):
        failures.append(msg)
        if not a.recap:
            print(f"FAIL: {msg}")

    def kernel_at(t):
        before = [s for s in kernel if s["t"] <= t]
        return before[-1] if before else None

    def kernel_first(pred):
        for s in kernel:
            if pred(s):
                return s
        return None

    limit = a.limit
    s80 = kernel_first(lambda s: s["count"] * 100 >= 80 * s["max"])
    s100 = kernel_first(lambda s: s["count"] >= s["max"])
    sdrop = kernel_first(lambda s: s["drop"] > 0)
    if not kernel:
        fail("no kernel samples from ctmon.py")

    # 6. nobody changed nf_conntrack_max meanwhile
    maxes = sorted({s["max"] for s in kernel})
    if maxes and maxes != [limit]:
        fail(f"nf_conntrack_max was {maxes} during the run, not only our {limit}: another test changed it (retry)")

    # 1. the page
    t_page = page["received"] if page else None
    if not page:
        fail(f"no firing {' or '.join(pages)} notification for ctwatch={ns}, instance={inst} within {a.deadline:.0f} s")
    else:
        l = page["labels"]
        if l.get("severity") != "critical":
            fail(f"{page_name} has severity={l.get('severity')!r}, expected critical")
        if page["receiver"] != "pager":
            fail(f"{page_name} was delivered to receiver {page['receiver']!r}, expected 'pager' (example routing)")
        if l.get("severity") == "critical" and page["receiver"] == "pager":
            ok(f"{page_name} delivered to pager at +{rel(t_page):.1f} s, labels {json.dumps(l, sort_keys=True)}")
            ok(f"  summary: {page['annotations'].get('summary')}")

    # 2. ... before any drop
    k_page = kernel_at(t_page) if page else None
    fill_page = prom_fill_page = prom_drop_page = None
    if page:
        if not k_page or t_page - k_page["t"] > 1:
            fail("no kernel sample within 1 s before the page: cannot tell the drop counter then")
        else:
            fill_page = 100 * k_page["count"] / k_page["max"]
            if k_page["drop"] == 0:
                ok(f"the kernel's drop counter was 0 when the page arrived (entries {k_page['count']}/{k_page['max']} = {fill_page:.1f} %)")
            else:
                fail(f"the page came too late: the kernel had already dropped {k_page['drop']} packets "
                     f"(entries {k_page['count']}/{k_page['max']})")
            if fill_page < 80 and page_name == "ConntrackTableNearlyFull":
                fail(f"the page arrived at {fill_page:.1f} % fill, below the 80 % threshold")
        sel = f'ctwatch="{ns}",instance="{inst}"'
        prom_drop_page = prom.value(f'collectd_ctwatch_errors_total{{type="drop",{sel}}}', t_page)
        prom_fill_page = prom.value(f'collectd_ctwatch_percent{{type="used",{sel}}}', t_page)
        if prom_drop_page is None:
            fail("Prometheus had no drop counter for the namespace at the page's arrival")
        elif prom_drop_page != 0:
            fail(f"Prometheus's drop counter was {prom_drop_page:.0f} at the page's arrival, not 0")
        else:
            ok("Prometheus's collectd_ctwatch_errors_total{type=\"drop\"} was 0 at the page's arrival")

    # 3. the kernel dropped
    t_drop = sdrop["t"] if sdrop else None
    if not sdrop:
        fail("the kernel never dropped a packet: the table did not fill")
    else:
        ok(f"first kernel drop at +{rel(t_drop):.1f} s (entries {sdrop['count']}/{sdrop['max']})")
    if page and sdrop and t_page >= t_drop:
        fail(f"the page (+{rel(t_page):.1f} s) did not come before the first drop (+{rel(t_drop):.1f} s)")
    elif page and sdrop and a.lead is not None:
        low, high = (float(x) for x in a.lead_tolerance.split(","))
        lead = t_drop - t_page
        want = f"the promised {a.lead:.0f} s ({low:+.0f}/{high:+.0f} s: {a.lead + low:.0f}..{a.lead + high:.0f} s)"
        if a.lead + low <= lead <= a.lead + high:
            ok(f"the page came {lead:.1f} s before the first drop: within {want}")
        else:
            fail(f"the page came {lead:.1f} s before the first drop: outside {want}")

    # 4. the Dropped page
    t_dropped = dropped["received"] if dropped else None
    if not dropped:
        fail(f"no firing {DROPPED}{{type=\"drop\"}} notification for ctwatch={ns}")
    else:
        l = dropped["labels"]
        if l.get("severity") != "critical" or dropped["receiver"] != "pager":
            fail(f"{DROPPED}: severity={l.get('severity')!r} receiver={dropped['receiver']!r}, expected critical/pager")
        if sdrop and t_dropped <= t_drop:
            fail(f"{DROPPED} arrived (+{rel(t_dropped):.1f} s) before the first drop (+{rel(t_drop):.1f} s)")
        elif sdrop and t_dropped - t_drop > a.max_drop_latency:
            fail(f"{DROPPED} arrived {t_dropped - t_drop:.1f} s after the first drop (> {a.max_drop_latency:.0f} s)")
        elif sdrop:
            ok(f"{DROPPED} delivered to {dropped['receiver']} {t_dropped - t_drop:.1f} s after the first drop")
        ok(f"  summary: {dropped['annotations'].get('summary')}")

    # 5. TIME_WAIT share
    sel = f'ctwatch="{ns}",instance="{inst}"'
    tw_expr = (f'last_over_time(collectd_ctwatch_tcp_connections{{type="TIME_WAIT",{sel}}}[{a.census_window}])'
               f' / ignoring(type) collectd_ctwatch_conntrack{{type="entries",{sel}}}')
    if a.tw_of_census:
        # The share within the census itself (it may be minutes older than
        # the entries gauge): TIME_WAIT / all entries that census counted.
        tw_expr = (f'last_over_time(collectd_ctwatch_tcp_connections{{type="TIME_WAIT",{sel}}}[{a.census_window}])'
                   f' / ignoring(type) sum without(type) (last_over_time(collectd_ctwatch_current_connections{{{sel}}}[{a.census_window}]))')
    t_tw = t_dropped or t_end
    tw_share = prom.value(tw_expr, t_tw)
    tw_counts = prom.query(f'last_over_time(collectd_ctwatch_tcp_connections{{{sel}}}[{a.census_window}])', t_tw)
    states = {r["metric"]["type"]: float(r["value"][1]) for r in tw_counts}
    if tw_share is None:
        fail("Prometheus has no TIME_WAIT census for the namespace")
    elif tw_share < a.prom_tw_min:
        fail(f"TIME_WAIT is {100 * tw_share:.1f} % of the entries in Prometheus, below {100 * a.prom_tw_min:.0f} %")
    else:
        ok(f"TIME_WAIT is {100 * tw_share:.1f} % of the entries (Prometheus, at +{rel(t_tw):.1f} s)")
    kernel_tw = None
    if a.netns:
        try:
            out = subprocess.run(["ip", "netns", "exec", a.netns, "conntrack", "-L"], capture_output=True,
                                 text=True, timeout=20).stdout.splitlines()
            tw = sum(1 for l in out if " TIME_WAIT " in l)
            kernel_tw = (tw, len(out))
            if out and tw * 2 >= len(out):
                ok(f"TIME_WAIT is {tw}/{len(out)} = {100 * tw / len(out):.1f} % of the entries (conntrack -L at the end)")
            else:
                fail(f"TIME_WAIT is only {tw} of {len(out)} entries (conntrack -L at the end)")
        except (OSError, subprocess.SubprocessError) as e:
            fail(f"conntrack -L in {a.netns} failed: {e}")

    # 9. ctwatch's evidence: one census taken the moment the table met the
    #    page condition, logged at NOTICE, naming the chatty client.
    evidence = evidence_lines(a.collectd_log, ns) if a.collectd_log else []
    t_evidence = evidence[0][0] if evidence else None
    if a.collectd_log:
        chatty = [x for x in a.chatty_sources.split(",") if x]
        if not evidence:
            fail(f"no 'census at once' NOTICE for namespace {ns} in {a.collectd_log}")
        else:
            line = evidence[0][1]
            m = re.search(r"top source (\S+) \(", line)
            if chatty and not (m and m.group(1) in chatty):
                fail(f"the evidence NOTICE does not name the chatty client ({', '.join(chatty)}) as top source: {line}")
            else:
                ok(f"evidence NOTICE names the top source {m.group(1) if m else '?'}: {line}")
            d = re.search(r"top destination (\S+) \(", line)
            if a.chatty_destination and not (d and d.group(1) == a.chatty_destination):
                fail(f"the evidence NOTICE does not name {a.chatty_destination} as top destination: {line}")
            elif a.chatty_destination:
                ok(f"evidence NOTICE names the top destination {a.chatty_destination}")
            if len(evidence) > 1 and evidence[1][0] is not None and evidence[0][0] is not None:
                ok(f"{len(evidence)} evidence censuses in all")
            if sdrop and t_evidence is not None and t_evidence > t_drop + 1:
                fail(f"the evidence census (+{rel(t_evidence):.0f} s) came after the first drop (+{rel(t_drop):.1f} s)")

    # 7. the host namespace stayed quiet
    host_notes = [n for n in notes if n["labels"].get("ctwatch") == "host" and n["status"] == "firing"]
    if host_notes:
        fail("alerts were delivered for the host namespace: "
             + ", ".join(sorted({n["labels"].get("alertname", "?") for n in host_notes})))
    else:
        ok("nothing was delivered for the host namespace (ctwatch=\"host\")")

    # 8. inhibition as configured in the example
    def late(names, after):
        return [n for n in notes if n["status"] == "firing" and n["labels"].get("alertname") in names
                and n["labels"].get("ctwatch") == ns and n["received"] > after + a.inhibit_grace]
    inhibited = []
    if page:
        inhibited += late({"ConntrackTableFillingUp", "ConntrackMaxNotTuned"}, t_page)
    if dropped:
        inhibited += late({"ConntrackEarlyDrops"}, t_dropped)
    if inhibited:
        fail("delivered although inhibited: " + ", ".join(
            f"{n['labels']['alertname']} at +{rel(n['received']):.1f} s" for n in inhibited))
    else:
        ok("no inhibited alert was delivered after its inhibitor")

    if a.alertmanager and not a.recap:
        probe_inhibition(a, ns, inst, ok, fail)

    # ---------------------------------------------------------- timeline --
    t_pending = t_firing = None
    if s80:
        try:
            sel_alert = f'alertname="{page_name}",ctwatch="{ns}",instance="{inst}"'
            t_pending = prom.first_time(f'ALERTS{{{sel_alert},alertstate="pending"}}', t0, t_end)
            t_firing = prom.first_time(f'ALERTS{{{sel_alert},alertstate="firing"}}', t0, t_end)
        except (OSError, RuntimeError, ValueError):
            pass
    fmt = lambda t: f"+{rel(t):6.1f} s" if t is not None else "     never"
    lines = [f"replay timeline (seconds since the chatty client started; nf_conntrack_max {limit})"]
    lines += [l for l in a.header.split("\n") if l]
    fill_txt = f"{fill_page:.1f} %" if fill_page is not None else "?"
    prom_txt = f", Prometheus percent{{type=used}} {prom_fill_page:.1f} %" if prom_fill_page is not None else ""
    events = [  # (time or None, text), printed in time order, "never" last
        (kernel[0]["t"] if kernel else None, f"kernel: {kernel[0]['count'] if kernel else '?'} entries at the start"),
        (s80["t"] if s80 else None, "kernel: table crossed 80 %"),
        (t_pending, f"Prometheus: {page_name} pending"),
        (t_firing, f"Prometheus: {page_name} firing"),
        (t_page, f"PAGE {page_name} delivered: fill {fill_txt} (kernel){prom_txt}, "
                 f"drop {k_page['drop'] if k_page else '?'} (kernel) / "
                 f"{'?' if prom_drop_page is None else f'{prom_drop_page:.0f}'} (Prometheus)"),
        (s100["t"] if s100 else None, f"kernel: table full ({limit} entries)"),
        (t_drop, "kernel: first packet dropped"),
        (t_dropped, f"PAGE {DROPPED} delivered"),
        (t_evidence, "collectd log: " + (evidence[0][1].split("ctwatch plugin: ", 1)[-1] if evidence else "")),
    ]
    for t, text in sorted(events, key=lambda e: (e[0] is None, e[0] or 0)):
        lines.append(f"  {fmt(t)}  {text}")
    lines.append("  all notifications (receiver status alertname labels):")
    for n in notes:
        l = dict(n["labels"])
        name = l.pop("alertname", "?")
        for k in ("instance", "job"):
            l.pop(k, None)
        lines.append(f"    {fmt(n['received'])}  {n['receiver']:<7} {n['status']:<8} {name} "
                     + " ".join(f"{k}={v}" for k, v in sorted(l.items())))
    if states:
        lines.append("  census at the Dropped page: " + "  ".join(
            f"{k} {v:.0f}" for k, v in sorted(states.items(), key=lambda kv: -kv[1]) if v))
    summary = []
    if fill_page is not None:
        summary.append(f"fill_at_page={fill_page:.1f}%")
    if t_page and t_drop:
        summary.append(f"page_before_first_drop={t_drop - t_page:.1f}s")
    if t_drop and t_dropped:
        summary.append(f"first_drop_to_dropped_page={t_dropped - t_drop:.1f}s")
    if page:
        summary.append(f"page={page_name}")
    if tw_share is not None:
        summary.append(f"time_wait_share={100 * tw_share:.1f}%")
    if kernel_tw:
        summary.append(f"time_wait_kernel={kernel_tw[0]}/{kernel_tw[1]}")
    lines.append("summary: " + " ".join(summary) + ("" if a.recap else f" result={'FAIL' if failures else 'PASS'}"))
    text = "\n".join(lines) + "\n"
    if not a.recap:
        print()
    print(text, end="")
    if a.timeline:
        with open(a.timeline, "w") as f:
            f.write(text)
    if failures and not a.recap:
        print(f"{len(failures)} check(s) failed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
