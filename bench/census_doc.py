# SPDX-License-Identifier: GPL-2.0-only
"""The census benchmark's numbers in docs/performance.md: bench/run.sh feeds
this ctwatch-bench's "result KEY VALUE" lines; with -u it writes this run's
row into three generated blocks, otherwise it checks the run against the row
published for the same table (entries within 1 %, same source spread).

  census_doc.py OUT DOC UPDATE ROUNDS CMD_ROUNDS SOURCES LOAD

Three blocks, each row with its own tolerance:
  census ratios   time / the raw dump's in the same round, median over
                  rounds (machine-independent: load cancels out of a round);
  user space      the census's user-space work per entry, replayed from
                  memory, as a share of the raw dump's time per entry
                  (percentage points);
  commands        the on-call commands' time / the raw dump's, only for runs
                  with at least MIN_CMD_ROUNDS command rounds (one round of a
                  shell pipeline is too noisy to publish or judge).
Times, load and RSS are written for context and never judged: they vary
with the machine.  Tolerances of a new row: TOLERANCE (ratios, default
0.05: quiet runs spread by about 0.03), TOLERANCE_PP (user space, default
1.5), TOLERANCE_CMD (commands, 0.25); a published row keeps its own unless
the variable is set.
REQUIRE_PUBLISHED=1 (CI) fails a run for which the doc publishes no row.
"""
import os
import sys

import docblock  # tests/support/docblock.py

MIN_CMD_ROUNDS = 3

CENSUS = [("census", "(b) census"), ("census_top_peers", "(c) + TopPeers 5"), ("census_cli", "(d) as the CLI"),
          ("census_loop", "(b2) = (b), bench's loop"), ("census_no_status", "(f) = (b2) without the status census"),
          ("census_top_peers_loop", "(c2) = (c), bench's loop"),
          ("census_top_peers_no_status", "(g) = (c2) without the status census")]
PARSE = [("walk", "the raw dump's walk"), ("census", "(b) census"), ("census_top_peers", "(c) + TopPeers 5"),
         ("census_cli", "(d) as the CLI"), ("census_no_status", "(f) = (b) without the status census"),
         ("census_top_peers_no_status", "(g) = (c) without the status census")]
COMMANDS = [("ctwatch", "`ctwatch --top 5`"), ("conntrack -L", "`conntrack -L > /dev/null`"),
            ("pipeline", "the incident's pipeline (`conntrack -L \\| awk … \\| sort \\| uniq -c \\| sort -rn \\| head`)")]


SPECS = {  # key: (block name, what its marker says, judged columns, unit, tolerance variable, its default)
    "census": ("census ratios", "a run at a published size fails when a ratio is further than the row's tolerance "
               "from it", CENSUS, "", "TOLERANCE", 0.05),
    "user": ("user-space shares", "percent of the raw dump's time per entry; a run at a published size fails "
             "outside the row's tolerance", PARSE, " pp", "TOLERANCE_PP", 1.5),
    "commands": ("on-call commands", "the command's time / the raw dump's; a run at a published size with at least "
                 f"{MIN_CMD_ROUNDS} command rounds fails outside the row's tolerance", COMMANDS, "", "TOLERANCE_CMD",
                 0.25),
}


def marker(name, what):
    return (f"<!-- BEGIN {name}: written by bench/run.sh BUILD_DIR ENTRIES ROUNDS -u; {what} -->",
            f"<!-- END {name} -->")


def parse_results(path):
    res, cmd, rss = {}, {}, {}
    for line in open(path):
        if line.startswith("result cmd_rss "):
            k, v = line[len("result cmd_rss "):].rstrip("\n").rsplit("=", 1)
            rss[k] = int(v)
        elif line.startswith("result cmd "):
            k, v = line[len("result cmd "):].rstrip("\n").rsplit("=", 1)
            cmd[k] = float(v)
        elif line.startswith("result "):
            k, v = line.split()[1:3]
            res[k] = float(v)
    return res, cmd, rss


def rows_of(block):
    return [l for l in block.strip().splitlines() if l.startswith("| ") and l[2:3].isdigit()]


def cells(row):
    return [c.strip() for c in row.strip().strip("|").split("|")]


def same_table(row, entries, sources):
    c = cells(row)
    published = int(c[0].replace(",", ""))
    # A filled table can lose a few entries to churn: same size within 1 %.
    return abs(published - entries) <= max(10, entries // 100) and c[1] == sources


class Block:
    """One generated table (SPECS[key]): key columns (entries, sources),
    judged values, a tolerance, then context columns (name, value)."""

    def __init__(self, doc, key, context=()):
        self.name, what, self.values, self.unit, env, default = SPECS[key]
        self.doc, self.context = doc, list(context)
        # The tolerance a new row gets: its variable, else the default. A
        # row already published keeps its own unless the variable is set
        # (write()), so republishing never loosens a row by accident.
        self.tol_set = env in os.environ
        self.tol = float(os.environ.get(env, default))
        self.begin, self.end = marker(self.name, what)

    def header(self):
        cols = ["entries", "sources"] + [h for _, h in self.values] + ["tolerance"] + [h for h, _ in self.context]
        return "| " + " | ".join(cols) + " |\n" + "|---" * len(cols) + "|\n"

    def row(self, entries, sources, got, fmt):
        vals = [fmt.format(got[k]) for k, _ in self.values]
        ctx = [v for _, v in self.context]
        return "| " + " | ".join([f"{entries:,}", sources] + vals + [f"±{self.tol:g}{self.unit}"] + ctx) + " |"

    def write(self, entries, sources, got, fmt):
        old = self.published(entries, sources)
        if old is not None and not self.tol_set:
            self.tol = self.tolerance_of(old)
        head, block, tail = docblock.read(self.doc, self.begin, self.end)
        rows = [r for r in rows_of(block) if not same_table(r, entries, sources)]
        rows.append(self.row(entries, sources, got, fmt))
        rows.sort(key=lambda r: (int(cells(r)[0].replace(",", "")), cells(r)[1]))
        open(self.doc, "w").write(head + self.begin + "\n" + self.header() + "\n".join(rows) + "\n" + self.end + tail)
        print(f"bench: wrote the {entries:,}-entry row of the {self.name} into {self.doc}")

    def published(self, entries, sources):
        """The cells of the row published for this table, or None."""
        _, block, _ = docblock.read(self.doc, self.begin, self.end)
        near = [r for r in rows_of(block) if same_table(r, entries, sources)]
        return cells(near[0]) if near else None

    def tolerance_of(self, c):
        return float(c[2 + len(self.values)].lstrip("±").rstrip(self.unit).strip())

    def check(self, entries, sources, got):
        c = self.published(entries, sources)
        if c is None:
            msg = f"{self.doc} publishes no {self.name} row for {entries:,} entries, sources {sources} (-u adds this run's)"
            if os.environ.get("REQUIRE_PUBLISHED") == "1":
                return [msg]
            print("bench: " + msg)
            return []
        pub = c[2:2 + len(self.values)]
        if len(c) < 3 + len(self.values):
            return [f"{self.doc}'s {self.name} row for {entries:,} entries has {len(c)} cells, fewer than its header's"]
        tol = self.tolerance_of(c)
        bad = []
        for (k, h), p in zip(self.values, pub):
            if abs(got[k] - float(p)) > tol:
                bad.append(f"{self.name}, {h}: {got[k]:.3f}, published {float(p):.3f} ± {tol:g}{self.unit}")
        if not bad:
            print(f"bench: the {self.name} are within ±{tol:g}{self.unit} of {self.doc}'s {entries:,}-entry row")
        return bad


def main():
    out, doc, update, rounds, cmd_rounds, sources, load = sys.argv[1:8]
    update, rounds, cmd_rounds = update == "1", int(rounds), int(cmd_rounds)
    res, cmd, rss = parse_results(out)
    entries = int(res["entries"])
    raw_us = res["raw_us_per_entry"]
    blocks = []

    census = Block(doc, "census", [("rounds", str(rounds)), ("raw dump", f"{raw_us:.2f} µs/entry"), ("load", load),
                                   ("peak RSS", f"{res['peak_rss_kib'] / 1024:.1f} MiB")])
    blocks.append((census, {k: res["ratio_" + k] for k, _ in CENSUS}, "{:.3f}"))

    if all("parse_ns_" + k in res for k, _ in PARSE):
        share = {k: res["parse_ns_" + k] / (raw_us * 1e3) * 100 for k, _ in PARSE}
        user = Block(doc, "user", [("census's user space", f"{res['parse_ns_census']:.1f} ns/entry")])
        blocks.append((user, share, "{:.2f}"))
    elif os.environ.get("REQUIRE_PUBLISHED") == "1":
        sys.exit("FAIL: ctwatch-bench printed no user-space results (parse_ns_*) to check against the published row")

    if cmd_rounds >= MIN_CMD_ROUNDS and all(k in cmd for k, _ in COMMANDS):
        rss_mib = " / ".join(f"{rss[k] / 1024:.1f}" for k, _ in COMMANDS)
        cmds = Block(doc, "commands", [("rounds", str(cmd_rounds)), ("peak RSS (MiB, same order)", rss_mib)])
        blocks.append((cmds, cmd, "{:.2f}"))
    elif cmd_rounds > 0:
        print(f"bench: {cmd_rounds} command round(s): the on-call commands are neither published nor judged "
              f"(at least {MIN_CMD_ROUNDS})")

    if update:
        for block, got, fmt in blocks:
            block.write(entries, sources, got, fmt)
        return
    bad = [b for block, got, _ in blocks for b in block.check(entries, sources, got)]
    if bad:
        sys.exit(f"FAIL: this run moved from {doc}'s published row:\n  " + "\n  ".join(bad) +
                 "\n(a regression, or a busy machine: rerun on a quiet one; if deliberate, -u)")


if __name__ == "__main__":
    main()
