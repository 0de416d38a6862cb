// Text helpers that put _config into plain PromQL.
local identChars = { [ch]: true for ch in std.stringChars('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_:') };
local identLen(s) =
  local go(i) = if i < std.length(s) && std.objectHas(identChars, s[i]) then go(i + 1) else i;
  go(0);
// std.split of jsonnet 0.18 only splits at one character, and std.findSubstr
// is slow: mark the separator with a control character, then split there.
local splitStr(text, sep) =
  assert std.length(std.split(text, '\u0001')) == 1 : 'text contains U+0001';
  std.split(std.strReplace(text, sep, '\u0001'), '\u0001');

{
  // Adds `matchers` (e.g. 'job="x"') to every collectd_ctwatch_* selector
  // in `text`: `collectd_ctwatch_conntrack{type="max"}` becomes
  // `collectd_ctwatch_conntrack{job="x", type="max"}`, a bare
  // `collectd_ctwatch_conntrack` becomes `collectd_ctwatch_conntrack{job="x"}`.
  // '' leaves the text unchanged.
  withMatchers(text, matchers)::
    if matchers == '' then text
    else
      local parts = splitStr(text, 'collectd_ctwatch_');
      parts[0] + std.join('', [
        local p = parts[i];
        local n = identLen(p);
        local rest = std.substr(p, n, std.length(p) - n);
        'collectd_ctwatch_' + std.substr(p, 0, n) +
        (if std.startsWith(rest, '{') then '{' + matchers + ', ' + std.substr(rest, 1, std.length(rest) - 1)
         else '{' + matchers + '}' + rest)
        for i in std.range(1, std.length(parts) - 1)
      ]),

  // Puts `label` first in every `by (...)` / `by(...)` clause of `text`
  // ('' leaves it unchanged).
  // ... and to every ` on(...)` vector match, so a join never pairs two
  // clusters' hosts of the same name.
  withByLabel(text, label)::
    if label == '' then text
    else
      local by = std.strReplace(std.strReplace(text, 'by (', 'by (' + label + ', '), 'by(', 'by(' + label + ', ');
      std.strReplace(std.strReplace(by, ' on(', ' on(' + label + ', '), ' on (', ' on (' + label + ', '),

  // Joins non-empty matcher strings.
  joinMatchers(list):: std.join(', ', std.filter(function(m) m != '', list)),

  // A YAML `>-` folded block: lines joined by single spaces.
  fold(text):: std.join(' ', std.filter(function(l) l != '', std.split(text, '\n'))),
}
