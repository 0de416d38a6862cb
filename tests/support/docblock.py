# SPDX-License-Identifier: GPL-2.0-only
"""Generated blocks in the docs: a table that a test or benchmark writes
between two marker comments (its -u option) and checks on every run
(bench/run.sh, bench/sampler.sh, tests/rules/production.sh)."""
import sys


def read(doc, begin, end):
    """(head, block, tail) of DOC around its one BEGIN ... END pair; fails the run otherwise."""
    text = open(doc).read()
    if text.count(begin) != 1 or text.count(end) != 1:
        sys.exit(f"FAIL: {doc} lacks the generated-block markers ({begin!r} ... {end!r})")
    head, rest = text.split(begin)
    block, tail = rest.split(end)
    return head, block, tail
