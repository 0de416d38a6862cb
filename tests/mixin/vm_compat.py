#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The shipped rules file, unchanged, in vmalert against VictoriaMetrics,
compared with Prometheus on the same data.

    vm_compat.py [--rules rules/prometheus/ctwatch.rules.yml] [--keep DIR]

1. Synthetic collectd_ctwatch_* series (3 h, one sample every 10 s, the
   write_prometheus shapes): one host per alert, on which that alert's
   condition holds from minute 60 to minute 120 (PacketsDropped/EarlyDrops:
   a 5-/2-minute burst of the counter; MetricsAbsent: a 20-minute gap) and
   baseline values otherwise.
2. Prometheus: the data backfilled with `promtool tsdb create-blocks-from
   openmetrics`; every rule expr run as a range query (step = the
   evaluation interval, as a rule evaluation would), `for` applied -> the
   firing intervals Prometheus would produce.
3. VictoriaMetrics: the same data imported (/api/v1/import/prometheus);
   `vmalert -replay.timeFrom/-replay.timeTo` evaluates the rules file as
   shipped and writes ALERTS back; the firing intervals are read with
   /api/v1/export.
4. A live vmalert on the file as shipped renders the descriptions' `query`
   templates (check_live_annotations).
5. Both engines' firing intervals must be the EXPECTED ones (worked out
   from each scenario and the rule's threshold and `for`, within one
   evaluation interval), with no alert firing anywhere else, and must match
   each other; each known MetricsQL difference is listed in
   KNOWN_DIFFERENCES with its reason (docs/fleet.md, "PromQL vs MetricsQL").

Exit status: 0 same, 1 a difference, 77 a tool is missing.
"""
import argparse
import json
import math
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

import yaml

STEP = 10          # sample interval of the synthetic data, s
EVAL = 15          # rule evaluation interval, s (Prometheus and vmalert)
SPAN = 3 * 3600
EV0, EV1 = 3600, 7200   # the condition's window, s from the start
MAX = 1048576

KNOWN_DIFFERENCES = {}

# What each engine must produce, (alert, host, type) -> [(fires, resolves)]
# in seconds from the start, within one evaluation interval (EVAL): worked
# out from the scenario and the rule as shipped, so a threshold or `for`
# that moves (or an alert firing where it should not) fails here even when
# both engines agree.  END: still firing when the data ends.
END = SPAN + EVAL
M = 60
EXPECTED = {
    # 90 % from 60 min: `for: 1m`; back to 10 % at 120 min.
    ("ConntrackTableNearlyFull", "s-ConntrackTableNearlyFull", ""): [(EV0 + 1 * M, EV1)],
    # time_to_full 100 s and 60 % from 60 min: `for: 0m`.
    ("ConntrackTableFillingFast", "s-ConntrackTableFillingFast", ""): [(EV0, EV1)],
    # 5 drops per sample from 60 min for 5 min: the first increment is seen
    # at the first evaluation after it, the last leaves the [5m] window at 70 min.
    ("ConntrackPacketsDropped", "s-ConntrackPacketsDropped", "drop"): [(EV0 + EVAL, EV0 + 5 * M + 5 * M)],
    # insert_failed is a PacketsDropped counter too.
    ("ConntrackPacketsDropped", "s-ConntrackInsertClashesUnresolved", "insert_failed"): [(EV0 + EVAL, EV0 + 10 * M)],
    # 2 min of early_drop, [10m] window.
    ("ConntrackEarlyDrops", "s-ConntrackEarlyDrops", "early_drop"): [(EV0 + EVAL, EV0 + 2 * M + 10 * M)],
    # 55 % TIME_WAIT at 60 % full: `for: 10m`; the fill gate closes at 120 min.
    ("ConntrackTimeWaitDominant", "s-ConntrackTimeWaitDominant", ""): [(EV0 + 10 * M, EV1)],
    # 50 % -> 70 % over the hour: the 1 h fit predicts >= max from 65 min
    # (the flat hour before weighs it down until then; measured), + `for: 15m`.
    ("ConntrackTableFillingUp", "s-ConntrackTableFillingUp", ""): [(EV0 + 5 * M + 15 * M, EV1)],
    # max == 4 x buckets, 60 % full from 60 min: `for: 15m`.
    ("ConntrackMaxNotTuned", "s-ConntrackMaxNotTuned", ""): [(EV0 + 15 * M, EV1)],
    # timeout 120 s > 60 with TIME_WAIT 60 % of the entries: `for: 10m`.
    ("ConntrackTimeWaitTimeoutLong", "s-ConntrackTimeWaitTimeoutLong", ""): [(EV0 + 10 * M, EV1)],
    # tcp_tw_reuse 1 at 60 % full: `for: 15m`.
    ("ConntrackTcpTwReuseEnabled", "s-ConntrackTcpTwReuseEnabled", ""): [(EV0 + 15 * M, EV1)],
    # census_age 20 s + (t - 60 min) passes 900 s at 74 min 40 s (first
    # evaluation seeing it: 75 min), + `for: 5m`.
    ("ConntrackCensusStale", "s-ConntrackCensusStale", ""): [(EV0 + 15 * M + 5 * M, EV1)],
    # 3 unsampled namespaces from 60 min: `for: 5m`.
    ("ConntrackNamespaceUnsampled", "s-ConntrackNamespaceUnsampled", ""): [(EV0 + 5 * M, EV1)],
    # No samples 60-80 min: absent from [10m] at 70 min, `for: 0m`, back at 80 min.
    ("ConntrackMetricsAbsent", "s-ConntrackMetricsAbsent", ""): [(EV0 + 10 * M, EV0 + 20 * M)],
    # 5 min of chaintoolong (fill 10 %, under chainsFullRatio), [5m] window.
    ("ConntrackHashChainsTooLong", "s-ConntrackHashChainsTooLong", "chaintoolong"): [(EV0 + EVAL, EV0 + 10 * M)],
    # 5 min of insert_failed with clash_resolve exported, [5m] window.
    ("ConntrackInsertClashesUnresolved", "s-ConntrackInsertClashesUnresolved", ""): [(EV0 + EVAL, EV0 + 10 * M)],
    # Peak 60 % for 10 min from 60 min: twice the day's peak > max, `for: 1h`;
    # max raised to 4 x at 130 min.
    ("ConntrackMaxBelowRecommended", "s-ConntrackMaxBelowRecommended", ""): [(EV0 + 60 * M, EV1 + 10 * M)],
}
# Every other host over 50 % full from 60 min has a day's peak over half of
# max too (`for: 1h`; the rule remembers the peak for a day: still firing
# at the end).  The FillingUp host crosses 50 % at its second sample.
for _h in ("NearlyFull", "FillingFast", "TimeWaitDominant", "TcpTwReuseEnabled", "MaxNotTuned"):
    _h = "s-Conntrack" + ("Table" if _h in ("NearlyFull", "FillingFast") else "") + _h
    EXPECTED[("ConntrackMaxBelowRecommended", _h, "")] = [(EV0 + 60 * M, END)]
EXPECTED[("ConntrackMaxBelowRecommended", "s-ConntrackTableFillingUp", "")] = [(EV0 + 60 * M + EVAL, END)]
# A step from 10 % to 60 % (90 %) at 60 min is growth to FillingUp's 1 h
# linear fit: its prediction reaches max at 64 min (62.5 min at 90 %;
# as both engines measure it, not worked out by hand),
# + `for: 15m`; it ends when the fitted hour is nearly all flat again.
for _h in ("s-ConntrackTableFillingFast", "s-ConntrackTimeWaitDominant", "s-ConntrackTcpTwReuseEnabled", "s-ConntrackMaxNotTuned"):
    EXPECTED[("ConntrackTableFillingUp", _h, "")] = [(EV0 + 4 * M + 15 * M, EV1 - 2 * M)]
EXPECTED[("ConntrackTableFillingUp", "s-ConntrackTableNearlyFull", "")] = [(EV0 + 150 + 15 * M, EV1 - EVAL)]

# vmalert 1.79 cannot run the `query` template function in -replay mode
# ("`query` template isn't supported in replay mode", fatal for the rule),
# and every ctwatch description uses it.  So: the file as shipped is checked
# by `vmalert -dryRun` (parse + template validation) and its annotations
# rendered by a live vmalert (check_live_annotations); the replay runs a
# copy with the annotations removed -- exprs, fors and labels unchanged.
# A live vmalert does run `query`: check_live_annotations.
#
# vmalert's -datasource.queryStep defaults to 5m: the `step` of its queries,
# i.e. in -replay the rules are evaluated only every 5 minutes (a `for: 1m`
# alert never fires, a `for: 0m` one flaps), and live it is how far back an
# instant query looks for a sample.  Run vmalert with
# -datasource.queryStep equal to -evaluationInterval (as here).


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def parse_duration(d):
    mult = {"s": 1, "m": 60, "h": 3600}
    return int(d[:-1]) * mult[d[-1]] if d and d != "0" else 0


# ---------------------------------------------------------------- data
def baseline():
    return {
        ("conntrack", "entries"): 100000, ("conntrack", "peak"): 100000,
        ("conntrack", "max"): MAX, ("conntrack", "buckets"): MAX,
        ("duration_seconds", "time_to_full"): math.inf,
        ("duration_seconds", "tcp_timeout_time_wait"): 60,
        ("duration_seconds", "census_age"): 20,
        ("gauge", "tcp_tw_reuse"): 2, ("gauge", "source_netlink"): 1,
        ("gauge", "namespaces_sampled"): 1, ("gauge", "namespaces_unsampled"): 0,
        ("tcp_connections", "TIME_WAIT"): 10000,
        ("errors_total", "drop"): 0, ("errors_total", "insert_failed"): 0,
        ("errors_total", "early_drop"): 0, ("errors_total", "chaintoolong"): 0,
        ("operations_total", "clash_resolve"): 0,
    }


def ramp(t, seconds, per_step):
    """A counter rising by per_step every STEP during [EV0, EV0 + seconds)."""
    return per_step * (max(0, min(t, EV0 + seconds) - EV0) // STEP)


def scenario(alert, t, prev):
    """Values of host s-<alert> at t seconds from the start (None: absent)."""
    v = baseline()
    on = EV0 <= t < EV1
    if alert == "ConntrackTableNearlyFull" and on:
        v[("conntrack", "entries")] = v[("conntrack", "peak")] = int(0.9 * MAX)
    elif alert == "ConntrackTableFillingFast" and on:
        v[("conntrack", "entries")] = v[("conntrack", "peak")] = int(0.6 * MAX)
        v[("duration_seconds", "time_to_full")] = 100
    elif alert == "ConntrackPacketsDropped":
        v[("errors_total", "drop")] = ramp(t, 300, 5)
    elif alert == "ConntrackEarlyDrops":
        v[("errors_total", "early_drop")] = ramp(t, 120, 3)
    elif alert == "ConntrackTimeWaitDominant" and on:
        v[("conntrack", "entries")] = v[("conntrack", "peak")] = int(0.6 * MAX)
        v[("tcp_connections", "TIME_WAIT")] = int(0.55 * MAX)
    elif alert == "ConntrackTableFillingUp" and on:
        e = int((0.5 + 0.2 * (t - EV0) / 3600) * MAX)
        v[("conntrack", "entries")] = v[("conntrack", "peak")] = e
    elif alert == "ConntrackMaxNotTuned":
        v[("conntrack", "max")], v[("conntrack", "buckets")] = 262144, 65536
        v[("conntrack", "entries")] = v[("conntrack", "peak")] = int((0.6 if on else 0.1) * 262144)
    elif alert == "ConntrackTimeWaitTimeoutLong" and on:
        v[("conntrack", "entries")] = v[("conntrack", "peak")] = int(0.3 * MAX)
        v[("tcp_connections", "TIME_WAIT")] = int(0.18 * MAX)
        v[("duration_seconds", "tcp_timeout_time_wait")] = 120
    elif alert == "ConntrackTcpTwReuseEnabled" and on:
        v[("conntrack", "entries")] = v[("conntrack", "peak")] = int(0.6 * MAX)
        v[("gauge", "tcp_tw_reuse")] = 1
    elif alert == "ConntrackCensusStale" and on:
        v[("duration_seconds", "census_age")] = 20 + (t - EV0)
    elif alert == "ConntrackNamespaceUnsampled" and on:
        v[("gauge", "namespaces_unsampled")] = 3
    elif alert == "ConntrackHashChainsTooLong":
        v[("errors_total", "chaintoolong")] = ramp(t, 300, 4)
    elif alert == "ConntrackInsertClashesUnresolved":
        v[("errors_total", "insert_failed")] = ramp(t, 300, 2)
    elif alert == "ConntrackMaxBelowRecommended":
        # A peak over half of max for 10 minutes (the rule remembers the
        # day's peak), then max raised past twice the peak: resolved.
        if EV0 <= t < EV0 + 600:
            v[("conntrack", "entries")] = v[("conntrack", "peak")] = int(0.6 * MAX)
        if t >= EV1 + 600:
            v[("conntrack", "max")] = 4 * MAX
    elif alert == "ConntrackMetricsAbsent" and EV0 <= t < EV0 + 1200:
        return None
    return v


def fmt(x):
    return "+Inf" if x == math.inf else repr(float(x))


def write_data(alerts, t0, om_path, prom_path):
    """OpenMetrics (promtool backfill, s timestamps) and Prometheus text (VM import, ms)."""
    kinds = {"conntrack": "gauge", "duration_seconds": "gauge", "gauge": "gauge",
             "tcp_connections": "gauge", "errors_total": "counter",
             "operations_total": "counter"}
    rows = {}   # metric -> list of (labels, value, t)
    for a in alerts:
        for t in range(0, SPAN + 1, STEP):
            v = scenario(a, t, None)
            if v is None:
                continue
            for (m, typ), x in v.items():
                rows.setdefault(m, []).append((f'instance="s-{a}",ctwatch="host",type="{typ}"', x, t0 + t))
    with open(om_path, "w") as om, open(prom_path, "w") as pt:
        for m, rs in rows.items():
            name = f"collectd_ctwatch_{m}"
            family = name[:-len("_total")] if kinds[m] == "counter" else name
            om.write(f"# TYPE {family} {kinds[m]}\n")
            for labels, x, t in sorted(rs, key=lambda r: (r[0], r[2])):
                om.write(f"{name}{{{labels}}} {fmt(x)} {t}\n")
                pt.write(f"{name}{{{labels}}} {fmt(x)} {t * 1000}\n")
        om.write("# EOF\n")


# ---------------------------------------------------------------- servers
def get(url, timeout=60):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.read().decode()


def wait_ready(url, proc, what):
    for _ in range(120):
        if proc.poll() is not None:
            raise SystemExit(f"vm_compat: {what} exited ({proc.returncode})")
        try:
            get(url, timeout=2)
            return
        except Exception:
            time.sleep(0.25)
    raise SystemExit(f"vm_compat: {what} not ready at {url}")


def intervals(points, for_s):
    """[(first firing t, resolved t)] from sorted active eval times, `for` applied."""
    out = []
    start = prev = None
    for t in points + [None]:
        if t is not None and prev is not None and t - prev <= EVAL:
            prev = t
            continue
        if start is not None:
            fire = start + for_s
            if fire <= prev:
                out.append((fire, prev + EVAL))
        start = prev = t
    return out


def key(labels):
    return (labels["alertname"], labels.get("instance", ""), labels.get("ctwatch", ""), labels.get("type", ""))


def prometheus_firing(url, rules, t0):
    res = {}
    for r in rules:
        q = urllib.parse.urlencode({"query": r["expr"], "start": t0, "end": t0 + SPAN, "step": EVAL})
        data = json.loads(get(f"{url}/api/v1/query_range?{q}"))
        if data["status"] != "success":
            raise SystemExit(f"vm_compat: Prometheus rejects {r['alert']}: {data}")
        for s in data["data"]["result"]:
            labels = dict(s["metric"], alertname=r["alert"])
            ts = sorted(int(float(t)) for t, _ in s["values"])
            iv = intervals(ts, parse_duration(r.get("for", "0m")))
            if iv:
                res[key(labels)] = iv
    return res


def vm_firing(url):
    res = {}
    q = urllib.parse.urlencode({"match[]": 'ALERTS{alertstate="firing"}'})
    for line in get(f"{url}/api/v1/export?{q}").splitlines():
        s = json.loads(line)
        ts = sorted(t // 1000 for t in s["timestamps"])
        # ALERTS samples are written at every evaluation while firing.
        res[key(s["metric"])] = intervals(ts, 0)
    return res


def check_live_annotations(rules_file, vurl, tmp):
    """A live vmalert renders the shipped descriptions, `query` templates included.

    Host `live` is 90 % full right now; after vmalert's first evaluation
    ConntrackTableNearlyFull is pending, and /api/v1/alerts shows its
    annotations rendered: the description must carry the entries (943.7k)
    and nf_conntrack_max (1048576) that its two `query` templates look up.
    """
    now = int(time.time())
    body = "".join(
        f'collectd_ctwatch_conntrack{{instance="live",ctwatch="host",type="{typ}"}} {v} {t * 1000}\n'
        for t in range(now - 600, now + 1, 5)
        for typ, v in (("entries", 943718), ("peak", 943718), ("max", MAX), ("buckets", MAX)))
    urllib.request.urlopen(urllib.request.Request(f"{vurl}/api/v1/import/prometheus", data=body.encode()), timeout=60).read()
    get(f"{vurl}/internal/force_flush")
    port = free_port()
    proc = subprocess.Popen(["vmalert", f"-rule={rules_file}", f"-datasource.url={vurl}", "-evaluationInterval=5s",
                             "-datasource.queryStep=15s", f"-httpListenAddr=127.0.0.1:{port}", "-loggerLevel=WARN",
                             # 1.79 needs a notifier: a closed loopback port (sends fail, logged)
                             f"-notifier.url=http://127.0.0.1:{free_port()}"],
                            stdout=open(f"{tmp}/vmalert-live.log", "w"), stderr=subprocess.STDOUT)
    try:
        wait_ready(f"http://127.0.0.1:{port}/health", proc, "vmalert (live)")
        for _ in range(60):
            alerts = json.loads(get(f"http://127.0.0.1:{port}/api/v1/alerts"))["data"]["alerts"] or []
            mine = [a for a in alerts if a["labels"].get("instance") == "live"
                    and a["labels"].get("alertname") == "ConntrackTableNearlyFull"]
            if mine:
                desc = mine[0]["annotations"].get("description", "")
                ok = "943.7k" in desc and "1048576" in desc
                print(("ok: " if ok else "FAIL: ") + "live vmalert renders the description's query templates: " + desc)
                return ok
            time.sleep(0.5)
        print("FAIL: live vmalert never evaluated ConntrackTableNearlyFull on host live")
        return False
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rules", default="rules/prometheus/ctwatch.rules.yml")
    ap.add_argument("--keep")
    args = ap.parse_args()
    for tool in ("promtool", "prometheus", "victoria-metrics", "vmalert"):
        if not shutil.which(tool):
            print(f"vm_compat: {tool} is not installed (Debian: prometheus / victoria-metrics)", file=sys.stderr)
            return 77
    rules = [r for g in yaml.safe_load(open(args.rules))["groups"] for r in g["rules"] if "alert" in r]
    alerts = [r["alert"] for r in rules]
    tmp = args.keep or tempfile.mkdtemp(prefix="vm_compat.")
    os.makedirs(tmp, exist_ok=True)
    # Start well inside Prometheus's retention, aligned to the evaluation step.
    t0 = (int(time.time()) - SPAN - 3600) // 3600 * 3600
    write_data(alerts, t0, f"{tmp}/data.om", f"{tmp}/data.prom")
    procs = []
    try:
        subprocess.run(["promtool", "tsdb", "create-blocks-from", "openmetrics", f"{tmp}/data.om", f"{tmp}/prom"],
                       check=True, stdout=subprocess.DEVNULL)
        pport, vport, aport = free_port(), free_port(), free_port()
        with open(f"{tmp}/prometheus.yml", "w") as f:
            f.write("global: {}\n")
        prom = subprocess.Popen(["prometheus", f"--config.file={tmp}/prometheus.yml", f"--storage.tsdb.path={tmp}/prom",
                                 f"--web.listen-address=127.0.0.1:{pport}", "--log.level=warn"],
                                stdout=open(f"{tmp}/prometheus.log", "w"), stderr=subprocess.STDOUT)
        procs.append(prom)
        vm = subprocess.Popen(["victoria-metrics", f"-storageDataPath={tmp}/vm", f"-httpListenAddr=127.0.0.1:{vport}",
                               "-retentionPeriod=1", "-search.disableCache", "-loggerLevel=WARN"],
                              stdout=open(f"{tmp}/vm.log", "w"), stderr=subprocess.STDOUT)
        procs.append(vm)
        purl, vurl = f"http://127.0.0.1:{pport}", f"http://127.0.0.1:{vport}"
        wait_ready(f"{purl}/-/ready", prom, "prometheus")
        wait_ready(f"{vurl}/health", vm, "victoria-metrics")
        req = urllib.request.Request(f"{vurl}/api/v1/import/prometheus", data=open(f"{tmp}/data.prom", "rb").read())
        urllib.request.urlopen(req, timeout=120).read()
        get(f"{vurl}/internal/force_flush")
        subprocess.run(["vmalert", "-dryRun", f"-rule={args.rules}", "-loggerLevel=WARN"], check=True)
        print(f"ok: vmalert -dryRun accepts {args.rules} as shipped (MetricsQL parse, templates)")
        doc = yaml.safe_load(open(args.rules))
        for g in doc["groups"]:
            for rule in g["rules"]:
                rule.pop("annotations", None)
        replay_rules = f"{tmp}/replay.rules.yml"
        yaml.safe_dump(doc, open(replay_rules, "w"))
        fmt_t = lambda t: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))
        r = subprocess.run(["vmalert", f"-rule={replay_rules}", f"-datasource.url={vurl}", f"-remoteWrite.url={vurl}",
                            f"-evaluationInterval={EVAL}s", f"-datasource.queryStep={EVAL}s", f"-replay.timeFrom={fmt_t(t0)}",
                            f"-replay.timeTo={fmt_t(t0 + SPAN)}", "-replay.disableProgressBar",
                            "-replay.rulesDelay=0", f"-httpListenAddr=127.0.0.1:{aport}", "-loggerLevel=WARN"],
                           capture_output=True, text=True, timeout=150)
        open(f"{tmp}/vmalert.log", "w").write(r.stdout + r.stderr)
        if r.returncode != 0:
            print(r.stdout + r.stderr, file=sys.stderr)
            print("FAIL: vmalert rejects or cannot replay the rules file", file=sys.stderr)
            return 1
        time.sleep(2)
        get(f"{vurl}/internal/force_flush")
        p = prometheus_firing(purl, rules, t0)
        v = vm_firing(vurl)
        live_ok = check_live_annotations(args.rules, vurl, tmp)
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)

    failures = 0 if live_ok else 1
    rel = lambda iv: [(a - t0, b - t0) for a, b in iv]
    close = lambda xs, ys: len(xs) == len(ys) and all(abs(x[0] - y[0]) <= EVAL and abs(x[1] - y[1]) <= EVAL
                                                      for x, y in zip(xs, ys))
    for a in alerts:
        if not any(k[0] == a for k in EXPECTED):
            print(f"FAIL: no expected firing for {a} (add its scenario to EXPECTED)")
            failures += 1
    for name, res in (("Prometheus", p), ("vmalert", v)):
        # (alert, host, type): every series is in namespace "host".
        res3 = {(k[0], k[1], k[3]): iv for k, iv in res.items()}
        for k in sorted(set(res3) | set(EXPECTED)):
            want = EXPECTED.get(k)
            got = rel([(a, min(b, t0 + END)) for a, b in res3.get(k, [])])
            if want is None:
                print(f"FAIL: {name}: {k[0]} fires on {k[1]} {k[2]} {got}, where it should not")
                failures += 1
            elif not close(got, want):
                print(f"FAIL: {name}: {k[0]} on {k[1]} {k[2]}: {got or 'never'}, expected {want} (within {EVAL} s)")
                failures += 1
    for k in sorted(set(p) | set(v)):
        pi, vi = rel(p.get(k, [])), rel(v.get(k, []))
        same = close(pi, vi)
        tag = "same" if same else ("KNOWN " + KNOWN_DIFFERENCES[k[0]] if k[0] in KNOWN_DIFFERENCES else "DIFFERENT")
        print(f"{tag:9.9} {k[0]:30} {k[1]:32} {k[3]:12} prometheus {pi} vmalert {vi}")
        if not same and k[0] not in KNOWN_DIFFERENCES:
            failures += 1
    print(f"vm_compat: {len(set(p) | set(v))} (alert, series) compared with each other and with "
          f"{len(EXPECTED)} expected firings, {failures} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
