# SPDX-License-Identifier: GPL-2.0-only
"""A small PromQL lexer for the dashboard checks (python3 stdlib only).

It is not a PromQL parser.  It knows enough of the grammar to answer what
lint.py and check_queries.py ask:

* which metric names and label names an expression uses (selectors, label
  matchers, by/without/on/ignoring/group_left/group_right lists);
* which Grafana template variables it references ($x, ${x}, ${x:fmt}, [[x]]);
* substitute those variables with test values;
* "relax" an expression: turn every filter into a non-filtering form, so that
  an empty result can only mean that a selector or a join matched nothing
  (see relax()).

Shared by tests/dashboards/lint.py and tests/dashboards/check_queries.py.
"""

import re

# PromQL words that are never metric names.
KEYWORDS = frozenset("""
    and or unless by without on ignoring group_left group_right bool offset
    atan2 start end
""".split())
AGGREGATORS = frozenset("""
    sum min max avg group stddev stdvar count count_values bottomk topk quantile
""".split())
# Words that take a parenthesised list of label names.
GROUPING = frozenset("by without on ignoring group_left group_right".split())
NUMBER_WORDS = frozenset(("inf", "nan"))
COMPARISON = ("==", "!=", ">=", "<=", ">", "<")

# Grafana's built-in variables that may appear in a Prometheus query.
GRAFANA_BUILTINS = frozenset("""
    __interval __interval_ms __rate_interval __range __range_s __range_ms
    __from __to __dashboard __org __user
""".split())

_IDENT = re.compile(r"[A-Za-z_:][A-Za-z0-9_:]*")
_NUMBER = re.compile(
    r"0[xX][0-9a-fA-F]+|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
    r"(?:ms|[smhdwy])?(?:[0-9]+(?:ms|[smhdwy]))*")
_VARIABLE = re.compile(
    r"\$\{(?P<b>[A-Za-z0-9_]+)(?::(?P<fmt>[A-Za-z0-9_]+))?\}"
    r"|\[\[(?P<o>[A-Za-z0-9_]+)(?::(?P<ofmt>[A-Za-z0-9_]+))?\]\]"
    r"|\$(?P<s>[A-Za-z0-9_]+)")
_MATCHER = re.compile(
    r"\s*(?P<label>[A-Za-z_][A-Za-z0-9_]*)\s*(?P<op>=~|!~|!=|=)\s*"
    r"(?P<value>\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|`[^`]*`)\s*(?:,|$)")


class PromQLError(ValueError):
    """The lexer could not make sense of the expression."""


class Token:
    __slots__ = ("kind", "text", "start", "end", "matchers")

    def __init__(self, kind, text, start, end, matchers=None):
        self.kind = kind        # ident num str var op ( ) , matchers range
        self.text = text
        self.start = start
        self.end = end
        self.matchers = matchers

    def __repr__(self):
        return f"Token({self.kind!r}, {self.text!r})"


def _skip_string(s, i):
    """Index just past the string literal starting at s[i]."""
    q = s[i]
    j = i + 1
    while j < len(s):
        if s[j] == "\\" and q != "`":
            j += 2
            continue
        if s[j] == q:
            return j + 1
        j += 1
    raise PromQLError(f"unterminated string starting at offset {i}")


def _skip_block(s, i, close):
    """Index just past the `close` that matches the opener at s[i]."""
    j = i + 1
    while j < len(s):
        c = s[j]
        if c in "\"'`":
            j = _skip_string(s, j)
            continue
        if c == close:
            return j + 1
        j += 1
    raise PromQLError(f"unbalanced {s[i]!r} at offset {i}")


def unquote(lit):
    """The value of a PromQL string literal."""
    if lit[0] == "`":
        return lit[1:-1]
    body = lit[1:-1]
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), body)


def parse_matchers(block):
    """'{a="x", b=~"y|z"}' -> [(label, op, value)]."""
    inner = block[1:-1].strip()
    out = []
    pos = 0
    while pos < len(inner):
        m = _MATCHER.match(inner, pos)
        if not m:
            raise PromQLError(f"cannot parse label matchers {block!r}")
        out.append((m.group("label"), m.group("op"), unquote(m.group("value"))))
        pos = m.end()
    return out


def tokenize(expr):
    toks = []
    i = 0
    n = len(expr)
    while i < n:
        c = expr[i]
        if c.isspace():
            i += 1
            continue
        if c == "#":                       # comment to end of line
            j = expr.find("\n", i)
            i = n if j < 0 else j + 1
            continue
        if c in "\"'`":
            j = _skip_string(expr, i)
            toks.append(Token("str", expr[i:j], i, j))
            i = j
            continue
        if c == "{":
            j = _skip_block(expr, i, "}")
            toks.append(Token("matchers", expr[i:j], i, j, parse_matchers(expr[i:j])))
            i = j
            continue
        if c == "[" and expr.startswith("[[", i):   # Grafana's old [[var]] syntax
            m = _VARIABLE.match(expr, i)
            if m:
                toks.append(Token("var", m.group(0), i, m.end()))
                i = m.end()
                continue
        if c == "[":
            j = _skip_block(expr, i, "]")
            toks.append(Token("range", expr[i:j], i, j))
            i = j
            continue
        if c == "$":
            m = _VARIABLE.match(expr, i)
            if not m:
                raise PromQLError(f"stray '$' at offset {i}")
            toks.append(Token("var", m.group(0), i, m.end()))
            i = m.end()
            continue
        m = _IDENT.match(expr, i)
        if m:
            kind = "num" if m.group(0).lower() in NUMBER_WORDS else "ident"
            toks.append(Token(kind, m.group(0), i, m.end()))
            i = m.end()
            continue
        m = _NUMBER.match(expr, i)
        if m and m.end() > i:
            toks.append(Token("num", m.group(0), i, m.end()))
            i = m.end()
            continue
        for op in ("==", "!=", ">=", "<=", "=~", "!~"):
            if expr.startswith(op, i):
                toks.append(Token("op", op, i, i + 2))
                i += 2
                break
        else:
            if c in "<>+-*/%^@":
                toks.append(Token("op", c, i, i + 1))
            elif c in "(),":
                toks.append(Token(c, c, i, i + 1))
            else:
                raise PromQLError(f"unexpected character {c!r} at offset {i}")
            i += 1
    return toks


class Analysis:
    """What an expression refers to."""

    def __init__(self):
        self.metrics = []        # metric names, in order of appearance
        self.selectors = []      # (metric or None, [(label, op, value)])
        self.labels = []         # every label name used (matchers + grouping)
        self.functions = []      # function and aggregation names
        self.variables = []      # Grafana variable names


def analyze(expr):
    toks = tokenize(expr)
    a = Analysis()
    depth_grouping = None        # paren depth of an open grouping label list
    depth = 0
    for k, t in enumerate(toks):
        nxt = toks[k + 1] if k + 1 < len(toks) else None
        prev = toks[k - 1] if k > 0 else None
        if t.kind == "(":
            if depth_grouping is None and prev is not None and prev.kind == "ident" \
                    and prev.text in GROUPING:
                depth_grouping = depth
            depth += 1
            continue
        if t.kind == ")":
            depth -= 1
            if depth_grouping is not None and depth == depth_grouping:
                depth_grouping = None
            continue
        if t.kind == "var":
            a.variables.append(variable_name(t.text))
            continue
        if t.kind == "matchers":
            metric = prev.text if prev is not None and prev.kind == "ident" and \
                prev.text not in KEYWORDS and prev.text not in AGGREGATORS else None
            if metric is None:
                a.selectors.append((None, t.matchers))
            for label, _op, value in t.matchers:
                a.labels.append(label)
                a.variables.extend(variable_name(v.group(0)) for v in _VARIABLE.finditer(value))
            continue
        if t.kind == "range":
            a.variables.extend(variable_name(v.group(0)) for v in _VARIABLE.finditer(t.text))
            continue
        if t.kind != "ident":
            continue
        if depth_grouping is not None:
            a.labels.append(t.text)
            continue
        if t.text in KEYWORDS:
            continue
        if nxt is not None and nxt.kind == "(":
            a.functions.append(t.text)
            continue
        if t.text in AGGREGATORS and nxt is not None and nxt.kind == "ident" \
                and nxt.text in ("by", "without"):
            a.functions.append(t.text)
            continue
        a.metrics.append(t.text)
        a.selectors.append((t.text, nxt.matchers if nxt is not None and nxt.kind == "matchers" else []))
    if depth != 0:
        raise PromQLError("unbalanced parentheses")
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


_OR_DEFAULT = re.compile(r"\s+or\s+vector\s*\(\s*[-+0-9.eE]+\s*\)\s*$")


def relax(expr):
    """The expression with its filters turned into non-filtering forms.

    A *filter* is what makes a correct expression legitimately return
    nothing: a comparison without `bool` (`x >= 0.8`, `a == ignoring(t) b`)
    drops the elements that do not satisfy it, and `a unless b` drops the
    elements of `a` that `b` has.  Relaxing keeps everything else:

    * `x OP y` -> `x OP bool y` for OP in == != > < >= <= : the comparison
      and its vector matching stay, but every matched element is kept (as 0
      or 1) instead of being filtered out;
    * `a unless b` -> `a and b`: non-empty only if both sides return data
      *and* their labels match (in a healthy system `unless` is empty
      precisely because they do);
    * a trailing `or vector(N)` default is removed: it would hide an
      empty left-hand side.

    So the relaxed expression returns data exactly when every selector,
    function and join of the original finds data; only the thresholds are
    out of the picture.  Comparisons that already have `bool` are left as
    they are.
    """
    expr = _OR_DEFAULT.sub("", expr.rstrip())
    toks = tokenize(expr)
    out = []
    last = 0
    for k, t in enumerate(toks):
        if t.kind == "op" and t.text in COMPARISON:
            nxt = toks[k + 1] if k + 1 < len(toks) else None
            if nxt is None or not (nxt.kind == "ident" and nxt.text == "bool"):
                out.append(expr[last:t.end])
                out.append(" bool")
                last = t.end
        elif t.kind == "ident" and t.text == "unless":
            out.append(expr[last:t.start])
            out.append("and")
            last = t.end
    out.append(expr[last:])
    return "".join(out)


def has_filter(expr):
    return relax(expr) != expr.rstrip()


_LABEL_VALUES = re.compile(r"^\s*label_values\s*\((?P<args>.*)\)\s*$", re.S)


def label_values_query(query):
    """Grafana's label_values(SELECTOR, LABEL) -> (promql, LABEL).

    The PromQL `count by (LABEL) (SELECTOR)` returns one series per value the
    variable would offer.  Other variable query forms raise PromQLError.
    """
    m = _LABEL_VALUES.match(query)
    if not m:
        raise PromQLError(f"unsupported variable query {query!r} (only label_values(SELECTOR, LABEL))")
    args = m.group("args")
    # Split at the last top-level comma (the selector may contain commas in {}).
    toks = tokenize(args)
    depth = 0
    split = None
    for t in toks:
        if t.kind == "(":
            depth += 1
        elif t.kind == ")":
            depth -= 1
        elif t.kind == "," and depth == 0:
            split = t.start
    if split is None:
        raise PromQLError(f"label_values without a selector is not supported: {query!r}")
    selector, label = args[:split].strip(), args[split + 1:].strip()
    if not _IDENT.fullmatch(label):
        raise PromQLError(f"bad label name {label!r} in {query!r}")
    return f"count by ({label}) ({selector})", label
