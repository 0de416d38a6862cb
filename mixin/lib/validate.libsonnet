// Checks of the mixin's _config (config.libsonnet asserts them), so a
// mistake fails `jsonnet` at render time with a message naming the key
// instead of rendering rules that never fire or that promtool rejects later.
// problems(cfg, defaults) returns one message per mistake ([] = good).
local every(xs) = std.foldl(function(a, b) a && b, xs, true);
local set(s) = { [ch]: true for ch in std.stringChars(s) };
local digits = set('0123456789');
local labelFirst = set('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_');
local labelRest = set('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789');
local has(s, sub) = std.length(std.findSubstr(sub, s)) > 0;
local count(s, sub) = std.length(std.findSubstr(sub, s));

// A Prometheus duration: one or more <digits><unit>, unit ms s m h d w y ('0' too).
local isDuration(s) =
  local n = std.length(s);
  local digitsEnd(i) = if i < n && std.objectHas(digits, s[i]) then digitsEnd(i + 1) else i;
  local go(i) =
    local j = digitsEnd(i);
    if j == i || j == n then false
    else
      local k = if std.substr(s, j, 2) == 'ms' then j + 2 else if std.objectHas(set('smhdwy'), s[j]) then j + 1 else -1;
      k > 0 && (k == n || go(k));
  s == '0' || (n > 0 && go(0));

local isLabelName(s) =
  std.length(s) > 0 && std.objectHas(labelFirst, s[0])
  && every([std.objectHas(labelRest, ch) for ch in std.stringChars(s)]);

local typeName(x) = { number: 'a number', string: 'a string', boolean: 'a boolean (true/false)', object: 'an object', array: 'an array', 'null': 'null', 'function': 'a function' }[std.type(x)];
local show(x) = if std.isString(x) then std.escapeStringJson(x) else std.manifestJsonEx(x, '', ' ');

// Known keys a misspelling is probably meant to be: same name in another
// case, or one name containing the other.
local suggestions(key, known) =
  local k = std.asciiLower(key);
  [c for c in known if std.length(k) >= 3 && (has(std.asciiLower(c), k) || has(k, std.asciiLower(c)))];

local selectorProblems(s) =
  local t = std.stripChars(s, ' ');
  local hint = 'write label matchers without braces, e.g. job="collectd" or job="collectd", env!="test"';
  if t == '' then []
  else if has(t, '{') || has(t, '}') then ['_config.ctwatchSelector: %s contains a brace; %s (the mixin adds them to each selector)' % [show(s), hint]]
  else if std.startsWith(t, ',') || std.endsWith(t, ',') then ['_config.ctwatchSelector: %s starts or ends with a comma; %s' % [show(s), hint]]
  else if !has(t, '=') && !has(t, '~') then ['_config.ctwatchSelector: %s is not a label matcher (no = != =~ !~); %s' % [show(s), hint]]
  else if count(t, '"') % 2 != 0 then ['_config.ctwatchSelector: %s has an unbalanced double quote; %s' % [show(s), hint]]
  else [];

local metadataKeys = ['name', 'namespace', 'labels', 'annotations'];
local stringMap(o) = std.isObject(o) && every([std.isString(o[k]) for k in std.objectFields(o)]);
local metadataProblems(m) =
  [
    '_config.prometheusRuleMetadata.%s: unknown field (it may set %s)' % [k, std.join(', ', metadataKeys)]
    for k in std.objectFields(m)
    if !std.member(metadataKeys, k)
  ]
  + [
    '_config.prometheusRuleMetadata.%s: must be a string' % k
    for k in ['name', 'namespace']
    if std.objectHas(m, k) && !std.isString(m[k])
  ]
  + [
    '_config.prometheusRuleMetadata.%s: must be an object of strings, e.g. { release: "kube-prometheus-stack" }' % k
    for k in ['labels', 'annotations']
    if std.objectHas(m, k) && !stringMap(m[k])
  ];

{
  isDuration:: isDuration,
  isLabelName:: isLabelName,

  problems(cfg, defaults)::
    local known = std.objectFieldsAll(defaults);
    // The keys the user sets (visible; the derived ones are hidden).
    local keys = std.objectFields(defaults);
    local unknown =
      if !cfg.strictConfigKeys then []
      else [
        local s = suggestions(k, keys);
        '_config.%s: unknown key%s (the keys and their meaning: mixin/config.libsonnet; '
        % [k, if s == [] then '' else ' -- did you mean %s?' % std.join(' or ', s)]
        + 'set strictConfigKeys: false if this _config is shared with other mixins)'
        for k in std.objectFields(cfg)
        if !std.member(known, k)
      ];
    // A key whose default is null takes a string or null.
    local typeOk(k) = std.type(cfg[k]) == std.type(defaults[k]) || (defaults[k] == null && std.isString(cfg[k]));
    local wrongType = [
      '_config.%s: must be %s, got %s %s' % [k, typeName(defaults[k]), typeName(cfg[k]), show(cfg[k])]
      for k in keys
      if !typeOk(k)
    ];
    local typed(k) = std.objectHas(cfg, k) && typeOk(k);
    local ratios = [
      '_config.%s: %s is not a ratio in (0, 1]%s' % [k, show(cfg[k]), if cfg[k] > 1 && cfg[k] <= 100 then ' (%g %% is %g)' % [cfg[k], cfg[k] / 100] else '']
      for k in keys
      if std.endsWith(k, 'Ratio') && typed(k) && !(cfg[k] > 0 && cfg[k] <= 1)
    ];
    local seconds = [
      '_config.%s: %s must be a number of seconds above 0' % [k, show(cfg[k])]
      for k in keys
      if std.endsWith(k, 'Seconds') && typed(k) && !(cfg[k] > 0)
    ];
    local durations = [
      '_config.%s: %s is not a Prometheus duration (e.g. 30m, 1h30m)' % [k, show(cfg[k])]
      for k in ['censusWindow']
      if typed(k) && !isDuration(cfg[k])
    ];
    local alertNames = std.objectFields(defaults.alertFor);
    local alertFor =
      if !typed('alertFor') then []
      else
        local missing = [a for a in alertNames if !std.objectHas(cfg.alertFor, a)];
        (if missing == [] then []
         else ['_config.alertFor: no `for` for %s: `alertFor: %s` replaces the whole table; write `alertFor+: %s` (with +) to change only the alerts you name'
               % [std.join(', ', missing), show(cfg.alertFor), show(cfg.alertFor)]])
        + [
          '_config.alertFor.%s: no such alert (the alerts: %s)' % [a, std.join(', ', alertNames)]
          for a in std.objectFields(cfg.alertFor)
          if !std.member(alertNames, a)
        ]
        + [
          '_config.alertFor.%s: %s is not a Prometheus duration (e.g. 0m, 5m, 1h)' % [a, show(cfg.alertFor[a])]
          for a in std.objectFields(cfg.alertFor)
          if std.member(alertNames, a) && !(std.isString(cfg.alertFor[a]) && isDuration(cfg.alertFor[a]))
        ];
    local selector = if typed('ctwatchSelector') then selectorProblems(cfg.ctwatchSelector) else [];
    local cluster =
      if typed('clusterLabel') && !isLabelName(cfg.clusterLabel)
      then ['_config.clusterLabel: %s is not a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*)' % show(cfg.clusterLabel)]
      else [];
    local runbook =
      if typed('runbookURLPattern')
         && !(count(cfg.runbookURLPattern, '%s') == 1
              && count(std.strReplace(std.strReplace(cfg.runbookURLPattern, '%%', ''), '%s', ''), '%') == 0)
      then ['_config.runbookURLPattern: %s must contain %%s (the alert name) once and no other %%' % show(cfg.runbookURLPattern)]
      else [];
    local tags =
      if typed('dashboardTags') && !every([std.isString(t) for t in cfg.dashboardTags])
      then ['_config.dashboardTags: must be a list of strings, got %s' % show(cfg.dashboardTags)]
      else [];
    local metadata = if typed('prometheusRuleMetadata') then metadataProblems(cfg.prometheusRuleMetadata) else [];
    unknown + wrongType + ratios + seconds + durations + alertFor + selector + cluster + runbook + tags + metadata,
}
