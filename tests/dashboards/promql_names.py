# SPDX-License-Identifier: GPL-2.0-only
"""What the dashboard checks need from a PromQL text that Prometheus's own
parser has already accepted (promtool_queries.py, run by lint.py first).

This is not a parser and does not judge syntax: promtool does.  On text it
accepted, string literals are masked and a few regular expressions find
* the metric names, selectors and label names an expression uses, for the
  contract check (tests/contract.py), and the Grafana variables it names;
* Grafana variable substitution and label_values(SELECTOR, LABEL);
* relax(): comparisons made non-filtering for the live check.

Shared by tests/dashboards/lint.py and tests/dashboards/check_queries.py.
"""
import re

# Grafana's built-in variables that may appear in a Prometheus query.
GRAFANA_BUILTINS = frozenset("""
    __interval __interval_ms __rate_interval __range __range_s __range_ms
    __from __to __dashboard __org __user
""".split())
KEYWORDS = frozenset("and or unless by without on ignoring group_left group_right bool offset inf nan".split())

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`')
_VARIABLE = re.compile(
    r"\$\{(?P<b>[A-Za-z0-9_]+)(?::(?P<fmt>[A-Za-z0-9_]+))?\}"
    r"|\[\[(?P<o>[A-Za-z0-9_]+)(?::(?P<ofmt>[A-Za-z0-9_]+))?\]\]"
    r"|\$(?P<s>[A-Za-z0-9_]+)")
_GROUPING = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^()]*)\)")
_SELECTOR = re.compile(r"(?<![\w:])([A-Za-z_:][\w:]*)?\s*\{([^{}]*)\}")
_MATCHER = re.compile(r"\s*([A-Za-z_]\w*)\s*(=~|!~|!=|=)\s*(\"#\d+\")\s*(?:,|$)")
_IDENT = re.compile(r"(?<![\w:.$])([A-Za-z_:][\w:]*)(?![\w:])(?!\s*\()")
# A selector's braces (left as they are) or a comparison outside them.
_COMPARISON = re.compile(r"\{[^{}]*\}|(==|!=|>=|<=|>|<)(?!\s*bool\b)")
_OR_DEFAULT = re.compile(r"\s+or\s+vector\s*\(\s*[-+0-9.eE]+\s*\)\s*$")
_LABEL_VALUES = re.compile(r"^\s*label_values\s*\((?P<sel>.*),\s*(?P<label>[A-Za-z_]\w*)\s*\)\s*$", re.S)


class PromQLError(ValueError):
    """Not a form these helpers handle."""


def _mask(expr):
    lits = []

    def keep(m):
        lits.append(m.group(0))
        return f'"#{len(lits) - 1}"'
    return _STRING.sub(keep, expr), lits


def _unquote(lit):
    body = lit[1:-1]
    return body if lit[0] == "`" else re.sub(r"\\(.)", r"\1", body)


class Analysis:
    def __init__(self):
        self.metrics, self.selectors, self.labels, self.variables = [], [], [], []


def analyze(expr):
    """Metric names, selectors (metric, [(label, op, value)]), label names, variables."""
    a = Analysis()
    a.variables = variables_in(expr)
    masked, lits = _mask(expr)
    masked = re.sub(r"\[[^\]]*\]", " ", masked)            # ranges, subqueries: durations only
    for m in _GROUPING.finditer(masked):
        a.labels += [x.strip() for x in m.group(1).split(",") if x.strip()]
    masked = _GROUPING.sub(" ", masked)
    for m in _SELECTOR.finditer(masked):
        matchers = []
        body = m.group(2)
        for mm in _MATCHER.finditer(body):
            matchers.append((mm.group(1), mm.group(2), _unquote(lits[int(mm.group(3)[2:-1])])))
        if _MATCHER.sub("", body).strip(" ,"):
            raise PromQLError(f"cannot read the matchers {{{body}}}")
        a.selectors.append((m.group(1), matchers))
        a.labels += [x[0] for x in matchers]
        if m.group(1):
            a.metrics.append(m.group(1))
    rest = _SELECTOR.sub(" ", masked)
    rest = re.sub(r'"#\d+"', " ", rest)
    for m in _IDENT.finditer(rest):
        name = m.group(1)
        if name not in KEYWORDS:
            a.metrics.append(name)
            a.selectors.append((name, []))
    return a


def variable_name(ref):
    m = _VARIABLE.fullmatch(ref)
    if not m:
        raise PromQLError(f"not a variable reference: {ref!r}")
    return m.group("b") or m.group("o") or m.group("s")


def variables_in(text):
    """Variable names referenced anywhere in a string (expr, legend, query)."""
    return [variable_name(m.group(0)) for m in _VARIABLE.finditer(text)]


def substitute(text, values):
    """Replace $x / ${x} / ${x:fmt} / [[x]] by values[x]; KeyError if unknown."""
    def repl(m):
        name = m.group("b") or m.group("o") or m.group("s")
        if name not in values:
            raise KeyError(name)
        return values[name]
    return _VARIABLE.sub(repl, text)


def relax(expr):
    """The expression with its filters turned into non-filtering forms:
    `x OP y` -> `x OP bool y` (the comparison and its matching stay, every
    element is kept as 0/1), `a unless b` -> `a and b`, a trailing
    `or vector(N)` default dropped.  Empty only if a selector or a join
    matches nothing (check_queries.py)."""
    expr = _OR_DEFAULT.sub("", expr.rstrip())
    masked, lits = _mask(expr)
    masked = _COMPARISON.sub(lambda m: m.group(1) + " bool" if m.group(1) else m.group(0), masked)
    masked = re.sub(r"\bunless\b", "and", masked)
    return re.sub(r'"#(\d+)"', lambda m: lits[int(m.group(1))], masked)


def has_filter(expr):
    return relax(expr) != expr.rstrip()


def label_values_query(query):
    """Grafana's label_values(SELECTOR, LABEL) -> (count by (LABEL) (SELECTOR), LABEL)."""
    m = _LABEL_VALUES.match(query)
    if not m:
        raise PromQLError(f"unsupported variable query {query!r} (only label_values(SELECTOR, LABEL))")
    return f"count by ({m.group('label')}) ({m.group('sel').strip()})", m.group("label")
