# SPDX-License-Identifier: GPL-2.0-only
"""Checks of the kernel matrix that need parsing (run by suite.sh, inside
the test VMs too: only socket, json, re, sys and time from the stdlib).

  check.py proc-counters STAT_FILE     counters the /proc header names
  check.py cli-counters < JSON         counters `ctwatch --json` reports (non-null)
  check.py collectd PORT LABEL CONTRACT COUNTERS ENTRIES TIME_WAIT
      scrape write_prometheus until LABEL's census is there, then compare
      its series with the contract (docs/metrics.md, via tests/contract.py) less the
      counters this kernel lacks, and the census with the known table.
"""
import json
import re
import socket
import sys
import time

# /proc/net/stat/nf_conntrack column -> ctwatch counter. The oracle for
# "which counters does this kernel have", read through an interface other
# than ctnetlink. Columns renamed in place (searched -> clashres,
# delete_list -> chainlength) keep their position but not their meaning.
PROC_COLUMNS = {
    "found": "found", "invalid": "invalid", "insert": "insert",
    "insert_failed": "insert_failed", "drop": "drop", "early_drop": "early_drop",
    "icmp_error": "error", "search_restart": "search_restart",
    "clashres": "clash_resolve", "chainlength": "chaintoolong",
}
COUNTERS = ("chaintoolong", "clash_resolve")  # the ones not every kernel has


def proc_counters(path):
    with open(path) as f:
        header = f.readline().split()
    print(" ".join(sorted(PROC_COLUMNS[c] for c in header if c in PROC_COLUMNS)))


def cli_counters():
    doc = json.load(sys.stdin)
    print(" ".join(sorted(k for k, v in doc["counters"].items() if v["total"] is not None)))


def scrape(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.sendall(b"GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    return data.decode().split("\r\n\r\n", 1)[-1]


SERIES = re.compile(r'^(collectd_ctwatch_\w+)\{([^}]*)\}(?: (\S+))?')
LABEL = re.compile(r'(\w+)="([^"]*)"')


def series(text, label):
    """{family{type="..."}: value} of one namespace label; flow types as src-*/dst-*."""
    out = {}
    for line in text.splitlines():
        m = SERIES.match(line)
        labels = dict(LABEL.findall(m.group(2))) if m else {}
        if labels.get("ctwatch") != label:
            continue
        family, typ, value = m.group(1), labels.get("type"), m.group(3)
        if family == "collectd_ctwatch_flow":
            typ = typ.split("-", 1)[0] + "-*"
        out['%s{type="%s"}' % (family, typ)] = float(value) if value else None
    return out


def collectd(port, label, contract_file, counters, entries, time_wait):
    have = set(counters.split())
    with open(contract_file) as f:
        want = set(series(f.read(), "e2e"))
    # The contract lists every counter; a kernel without one must not show it.
    for c in COUNTERS:
        if c not in have:
            want = {s for s in want if s != 'collectd_ctwatch_errors_total{type="%s"}' % c
                    and s != 'collectd_ctwatch_operations_total{type="%s"}' % c}
    census = 'collectd_ctwatch_tcp_connections{type="TIME_WAIT"}'
    got = {}
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            got = series(scrape(int(port)), label)
        except OSError:
            got = {}
        # Everything the contract promises (time_to_full comes once the fast
        # sampler has 5 samples), and the census.
        if census in got and want <= set(got):
            break
        time.sleep(0.5)
    errors = []
    for s in sorted(want - set(got)):
        errors.append("missing: " + s)
    for s in sorted(set(got) - want):
        errors.append("unexpected: %s %s" % (s, got[s]))
    for s, v in (('collectd_ctwatch_conntrack{type="entries"}', entries), (census, time_wait)):
        if got.get(s) != float(v):
            errors.append("%s is %s, want %s" % (s, got.get(s), v))
    for e in errors:
        print(e)
    present = sorted(s.split('"')[1] for s in got if "_total{" in s)
    print("counters in the scrape: " + " ".join(present))
    return 1 if errors else 0


def main(argv):
    if argv[1] == "proc-counters":
        proc_counters(argv[2])
    elif argv[1] == "cli-counters":
        cli_counters()
    elif argv[1] == "collectd":
        return collectd(*argv[2:8])
    else:
        print("unknown command " + argv[1], file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
