// Prometheus rule files as readable YAML, in the order people read a rule
// (alert/record, expr, for, labels, annotations), exprs as `|` blocks and
// long descriptions as `>-` folded blocks.  std.manifestYamlDoc (jsonnet
// 0.18) sorts keys and prints every string on one quoted line, which
// turns a description into a 600-character line.  tests/mixin/render_check.sh
// parses the output back and compares it with the JSON of the same rules.
// jsonnet 0.18 has no std.all, and its std.member on a string is
// std.findSubstr, slow enough to make the render take seconds: a set object
// and std.split instead.
local every(xs) = std.foldl(function(a, b) a && b, xs, true);
local plainChars = { [ch]: true for ch in std.stringChars('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_:.-') };
local hasNewline(s) = std.length(std.split(s, '\n')) > 1;
// Only short strings are candidates (names, severities, durations): checking
// every character of long ones is slow in jsonnet 0.18, and they get quoted.
local plain(s) = std.length(s) > 0 && std.length(s) <= 40 && every([std.objectHas(plainChars, ch) for ch in std.stringChars(s)]);
local scalar(s) = if plain(s) then s else "'" + std.strReplace(s, "'", "''") + "'";
local lines(s) = std.filter(function(l) l != '', std.split(s, '\n'));
local indent(ls, ind) = std.join('', ['\n' + ind + l for l in ls]);
local literal(s, ind) =
  assert !std.startsWith(s, ' ') : 'a block must not start with a space';
  (if std.endsWith(s, '\n') then '|' else '|-') + indent(std.split(std.rstripChars(s, '\n'), '\n'), ind);
local folded(ls, ind) =
  assert every([!std.startsWith(l, ' ') for l in ls]) : 'folded lines must not start with a space';
  '>-' + indent(ls, ind);
local text(s, ind) = if hasNewline(s) then literal(s, ind) else scalar(s);

local preferred = ['summary', 'description', 'runbook_url'];
local keys(o) = [k for k in preferred if std.objectHas(o, k)] + [k for k in std.objectFields(o) if !std.member(preferred, k)];
local map(o, ind, long={}) = std.join('', [
  '\n' + ind + k + ': ' +
  (if std.objectHas(long, k) then folded(long[k], ind + '  ') else text(o[k], ind + '  '))
  for k in keys(o)
]);

local rule(r, ind) =
  local first = if std.objectHas(r, 'alert') then 'alert' else 'record';
  '\n' + ind + '- ' + first + ': ' + scalar(r[first]) +
  '\n' + ind + '  expr: ' + literal(r.expr, ind + '    ') +
  (if std.objectHas(r, 'for') then '\n' + ind + '  for: ' + scalar(r['for']) else '') +
  (if std.objectHas(r, 'labels') then '\n' + ind + '  labels:' + map(r.labels, ind + '    ') else '') +
  (if std.objectHas(r, 'annotations') then
     '\n' + ind + '  annotations:' +
     map(r.annotations, ind + '    ', std.get(r, 'foldedAnnotations', {}, inc_hidden=true))
   else '');

{
  // groups: [{name, rules: [...]}] at indentation ind ('' for a rule file).
  groups(groups, ind)::
    ind + 'groups:' + std.join('', [
      '\n' + ind + '  - name: ' + scalar(g.name) +
      (if std.objectHas(g, 'interval') then '\n' + ind + '    interval: ' + scalar(g.interval) else '') +
      '\n' + ind + '    rules:' + std.join('', [rule(r, ind + '      ') for r in g.rules])
      for g in groups
    ]) + '\n',
}
