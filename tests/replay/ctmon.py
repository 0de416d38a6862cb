#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Ground truth for the replay: the kernel's own view of one namespace.

Run inside the namespace (`ip netns exec NS python3 ctmon.py --out FILE`).
Every --every seconds (default 0.1) it reads, without forking:
  /proc/sys/net/netfilter/nf_conntrack_count   entries in this namespace
  /proc/sys/net/netfilter/nf_conntrack_max     the (global) limit
  /proc/net/stat/nf_conntrack                  this namespace's per-CPU
                                               counters, summed (by column name)
and appends one JSON line {"t": unix time, "count", "max", "drop",
"insert_failed", "early_drop"} to --out (flushed per line), so the test can
tell when the table crossed a fill level and when the first packet was
dropped, on the same clock as the webhook receiver's timestamps.
(/proc/net is /proc/self/net: it shows the namespace of the reading
process; `conntrack -S` reports the same counters over ctnetlink.)
"""

import argparse
import json
import signal
import sys
import time

COUNT = "/proc/sys/net/netfilter/nf_conntrack_count"
MAX = "/proc/sys/net/netfilter/nf_conntrack_max"
STAT = "/proc/net/stat/nf_conntrack"
FIELDS = ("drop", "insert_failed", "early_drop")


def read_int(path):
    with open(path) as f:
        return int(f.read())


def read_stat():
    with open(STAT) as f:
        header = f.readline().split()
        sums = dict.fromkeys(FIELDS, 0)
        for line in f:
            cols = line.split()
            for name in FIELDS:
                if name in header:
                    sums[name] += int(cols[header.index(name)], 16)
    return sums


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", required=True)
    p.add_argument("--every", type=float, default=0.1)
    a = p.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with open(a.out, "a", buffering=1) as out:
        while True:
            t = time.time()
            rec = {"t": round(t, 3), "count": read_int(COUNT), "max": read_int(MAX)}
            rec.update(read_stat())
            out.write(json.dumps(rec) + "\n")
            time.sleep(max(0.0, a.every - (time.time() - t)))


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
