// The dashboards' panel library: Grafana 10.4 panels with this project's
// defaults, and the PromQL selectors built from _config.  Used as
//   local lib = (import '../lib/dashboard.libsonnet')(c, 'host');
// where c is the mixin's _config and the second argument says which
// dashboard: 'host' (one host, cluster variable single-valued) or 'fleet'
// (all hosts, cluster variable multi-valued).
//
// A panel is a constructor plus mixins, e.g.
//   lib.stat('Title', [x, y, w, h], 'Description.', [lib.q(expr, '{{ctwatch}}')])
//   + lib.unit('s') + lib.steps([['green', null], ['red', 1]]) + lib.runbooks(['ConntrackCensusStale'])
// A query names every metric through a selector builder, so _config's
// selector, the cluster matcher and the cluster `by` label are put in by
// construction:
//   lib.m('collectd_ctwatch_conntrack', 'type="max"')
//     -> collectd_ctwatch_conntrack{job="x", cluster="$cluster", instance="$instance", ctwatch=~"$namespace", type="max"}
//   lib.by('ctwatch, type') -> by (cluster, ctwatch, type)
local u = import 'util.libsonnet';
local datasource = { type: 'prometheus', uid: '${datasource}' };
// The shipped defaults, to tell a set runbookIndexURL from the default one.
local defaults = (import '../config.libsonnet')._config;

function(c, kind)
  assert kind == 'host' || kind == 'fleet' : 'dashboard kind must be host or fleet, not ' + kind;
  local multi = kind == 'fleet';
  local clusterMatcher =
    if !c.showMultiCluster then ''
    else if multi then '%s=~"$cluster"' % c.clusterLabel
    else '%s="$cluster"' % c.clusterLabel;
  // Matchers every query of this dashboard starts with.
  local base = u.joinMatchers([c.ctwatchSelector, clusterMatcher]);
  local selector(metric, matchers) =
    local all = u.joinMatchers(matchers);
    if all == '' then metric else '%s{%s}' % [metric, all];
  local hostScope = ['instance="$instance"', 'ctwatch=~"$namespace"'];
  local scoped(m) = selector(m[0], if multi then [base, m[1], 'ctwatch=~"$namespace"'] else [base] + hostScope + [m[1]]);
  // fleet.libsonnet's rules by the last part of their name; each names its
  // expression as the fleet dashboard writes it (`dashboard`), which must be
  // what `raw` writes, so the rule and the dashboard cannot drift apart.
  local fleetRules = { [std.split(r.record, ':')[2]]: r for r in import '../rules/fleet.libsonnet' };
  local recorded(name, raw) =
    local r = fleetRules[name];
    local plain = raw(function(metric, matchers='') selector(metric, [matchers, 'ctwatch=~"$namespace"']));
    assert plain == r.dashboard : 'mixin/rules/fleet.libsonnet: %s records %s, the fleet dashboard queries %s' % [r.record, r.dashboard, plain];
    if multi && c.fleetRecordingRules then scoped([r.record, ''])
    else raw(function(metric, matchers='') scoped([metric, matchers]));

  {
    // ---- queries -------------------------------------------------------
    // The selector of one collectd_ctwatch_* metric with `matchers` (a
    // string of PromQL matchers, '' for none).  host: scoped to $instance and
    // $namespace; fleet: to $namespace (after `matchers`).
    m(metric, matchers=''):: scoped([metric, matchers]),
    // host only: scoped to $instance, all namespaces (per-host values).
    mHost(metric, matchers=''):: selector(metric, [base, 'instance="$instance"', matchers]),
    // Only _config's selector and the cluster: no dashboard variable.
    mAll(metric, matchers=''):: selector(metric, [base, matchers]),
    // `by (labels)` with the cluster label first under showMultiCluster.
    by(labels):: 'by (%s)' % u.joinMatchers([if c.showMultiCluster then c.clusterLabel else '', labels]),

    // A query target; the panel sets refId and the query type.
    q(expr, legend=''):: { expr: expr, legendFormat: legend },

    // The ratios the fleet recording rules record (mixin/rules/fleet.libsonnet);
    // on the fleet dashboard with fleetRecordingRules, the recorded series.
    // entries / nf_conntrack_max (0..1):
    fill:: recorded('fill_ratio', function(m)
      '%s / ignoring(type) (%s > 0)' % [m('collectd_ctwatch_conntrack', 'type="entries"'), m('collectd_ctwatch_conntrack', 'type="max"')]),
    // the fill in 4 hours, linear fit over the last hour:
    fillIn4h:: recorded('fill_ratio_predict_linear1h_4h', function(m)
      'predict_linear(%s[1h], 4 * 3600) / ignoring(type) (%s > 0)' % [m('collectd_ctwatch_conntrack', 'type="entries"'), m('collectd_ctwatch_conntrack', 'type="max"')]),
    // entries per second over the last hour:
    growth:: recorded('deriv1h', function(m) 'deriv(%s[1h])' % m('collectd_ctwatch_conntrack', 'type="entries"')),
    // TIME_WAIT entries / entries (0..1) of the last census:
    timeWaitShare:: recorded('time_wait_share', function(m)
      'clamp_max(last_over_time(%s[10m]) / ignoring(type) (%s > 0), 1)' % [m('collectd_ctwatch_tcp_connections', 'type="TIME_WAIT"'), m('collectd_ctwatch_conntrack', 'type="entries"')]),

    // ---- links -----------------------------------------------------------
    // The runbook index: runbookIndexURL when set, otherwise the directory
    // of runbookURLPattern (so setting only the pattern moves both).
    runbookIndex::
      if c.runbookIndexURL != defaults.runbookIndexURL || c.runbookURLPattern == defaults.runbookURLPattern
      then c.runbookIndexURL
      else
        local before = std.split(c.runbookURLPattern, '%')[0];
        local slashes = std.findSubstr('/', before);
        if slashes == [] then c.runbookIndexURL else std.substr(before, 0, slashes[std.length(slashes) - 1] + 1),
    runbook(name):: c.runbookURLPattern % name,
    // The panel links to the runbooks of `names` (alert names).
    runbooks(names):: {
      links: [
        { targetBlank: true, title: 'Runbook: %s (docs/runbooks/%s.md)' % [n, n], url: $.runbook(n) }
        for n in names
      ],
    },
    // The host dashboard for the series or row under the mouse; src is
    // '__field.labels' (a series) or '__data.fields' (a table row).
    hostURL(src)::
      '/d/ctwatch-host/ctwatch-host?'
      + (if c.showMultiCluster then 'var-cluster=${%s.%s}&' % [src, c.clusterLabel] else '')
      + 'var-instance=${%s.instance}&var-namespace=${%s.ctwatch}&${datasource:queryparam}&${__url_time_range}' % [src, src],

    // A data link to the host dashboard (hostURL) on every value.
    hostLink(src):: { fieldConfig+: { defaults+: { links: [
      { targetBlank: false, title: 'Open ctwatch — host for ${%s.instance}' % src, url: $.hostURL(src) },
    ] } } },

    // ---- field config mixins -----------------------------------------
    unit(unit):: { fieldConfig+: { defaults+: { unit: unit } } },
    decimals(n):: { fieldConfig+: { defaults+: { decimals: n } } },
    minMax(min, max):: { fieldConfig+: { defaults+: { min: min, max: max } } },
    noValue(text):: { fieldConfig+: { defaults+: { noValue: text } } },
    // Thresholds as [[color, from], ...]; the first `from` is null.
    steps(steps):: { fieldConfig+: { defaults+: { thresholds+: {
      steps: [{ color: s[0], value: s[1] } for s in steps],
    } } } },
    mappings(list):: { fieldConfig+: { defaults+: { mappings: list } } },
    // Value mapping: one value (as text) shown as text in a color.
    valueText(value, text, color, index=0):: {
      options: { [value]: { color: color, index: index, text: text } },
      type: 'value',
    },
    overrides(list):: { fieldConfig+: { overrides: list } },
    // Field override: the fields named `name` (or matching the regexp) get `properties`.
    byName(name, properties):: { matcher: { id: 'byName', options: name }, properties: properties },
    byRegexp(re, properties):: { matcher: { id: 'byRegexp', options: re }, properties: properties },
    prop(id, value):: { id: id, value: value },
    custom(fields):: { fieldConfig+: { defaults+: { custom+: fields } } },
    options(fields):: { options+: fields },

    // ---- panels --------------------------------------------------------
    local panel(type, title, pos, description='') = {
      assert std.length(pos) == 4 : title + ': pos is [x, y, w, h]',
      title: title,
      type: type,
      gridPos: { x: pos[0], y: pos[1], w: pos[2], h: pos[3] },
    } + (if description == '' then {} else { description: description }),
    // A panel that queries Prometheus: targets get datasource, refId A, B, ...
    // and the query type (instant or range; format table).
    local queried(type, title, pos, description, targets, query, color='thresholds') =
      panel(type, title, pos, description) {
        datasource: datasource,
        pluginVersion: '10.4.0',
        targets: [
          { datasource: datasource, editorMode: 'code', refId: std.char(65 + i) } + query + targets[i]
          for i in std.range(0, std.length(targets) - 1)
        ],
        fieldConfig: {
          defaults: { color: { mode: color }, mappings: [], thresholds: { mode: 'absolute', steps: [] } },
          overrides: [],
        },
      },
    local instant = { instant: true, range: false },
    local range = { instant: false, range: true },
    local reduce = { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false } },

    row(title, y):: panel('row', title, [0, y, 24, 1]) { collapsed: false, panels: [] },
    text(title, pos, markdown):: panel('text', title, pos) {
      pluginVersion: '10.4.0',
      options: { code: { language: 'plaintext', showLineNumbers: false, showMiniMap: false }, content: markdown, mode: 'markdown' },
    },
    stat(title, pos, description, targets):: queried('stat', title, pos, description, targets, instant) + $.unit('short') {
      options: reduce {
        colorMode: 'background',
        graphMode: 'none',
        justifyMode: 'auto',
        orientation: 'auto',
        showPercentChange: false,
        textMode: 'value',
        wideLayout: true,
      },
    },
    gauge(title, pos, description, targets):: queried('gauge', title, pos, description, targets, instant) {
      options: reduce {
        minVizHeight: 75,
        minVizWidth: 75,
        orientation: 'auto',
        showThresholdLabels: false,
        showThresholdMarkers: true,
        sizing: 'auto',
      },
    },
    bargauge(title, pos, description, targets):: queried('bargauge', title, pos, description, targets, instant) + $.unit('short') {
      fieldConfig+: { defaults+: { min: 0 } },
      options: reduce { displayMode: 'basic', orientation: 'horizontal', showUnfilled: true },
    },
    table(title, pos, description, targets):: queried('table', title, pos, description, targets, instant { format: 'table' }) {
      fieldConfig+: { defaults+: { custom: { align: 'auto', cellOptions: { type: 'auto' }, filterable: true, inspect: false } } },
      options: {
        cellHeight: 'sm',
        footer: { countRows: false, fields: '', reducer: ['sum'], show: false },
        showHeader: true,
      },
    },
    // Sorted by the column `by`, largest first.
    sortBy(column):: { options+: { sortBy: [{ desc: true, displayName: column }] } },
    transformations(list):: { transformations: list },
    timeseries(title, pos, description, targets):: queried('timeseries', title, pos, description, targets, range, 'palette-classic') {
      fieldConfig+: { defaults+: {
        min: 0,
        custom: {
          axisBorderShow: false,
          axisCenteredZero: false,
          axisColorMode: 'text',
          axisLabel: '',
          axisPlacement: 'auto',
          barAlignment: 0,
          drawStyle: 'line',
          fillOpacity: 10,
          gradientMode: 'none',
          hideFrom: { legend: false, tooltip: false, viz: false },
          insertNulls: false,
          lineInterpolation: 'linear',
          lineWidth: 1,
          pointSize: 5,
          scaleDistribution: { type: 'linear' },
          showPoints: 'never',
          spanNulls: false,
          stacking: { group: 'A', mode: 'none' },
          thresholdsStyle: { mode: 'off' },
        },
      } },
      options: {
        legend: { calcs: ['lastNotNull', 'max'], displayMode: 'table', placement: 'bottom', showLegend: true },
        tooltip: { mode: 'multi', sort: 'desc' },
      },
    },

    // ---- the dashboard -------------------------------------------------
    // `variables` come after the datasource variable (and, with
    // showMultiCluster, the cluster variable); panels get ids 1, 2, ...
    dashboard(uid, title, description, variables, panels):: {
      annotations: { list: [] },
      description: description,
      editable: true,
      fiscalYearStartMonth: 0,
      graphTooltip: 1,
      id: null,
      links: [
        {
          asDropdown: false,
          icon: 'doc',
          includeVars: false,
          keepTime: false,
          tags: [],
          targetBlank: true,
          title: 'Runbooks (docs/runbooks/)',
          tooltip: 'One runbook per ctwatch alert',
          type: 'link',
          url: $.runbookIndex,
        },
        {
          asDropdown: true,
          icon: 'external link',
          includeVars: false,
          keepTime: true,
          // every dashboard carrying all of our tags: ours
          tags: c.dashboardTags,
          targetBlank: false,
          title: 'ctwatch dashboards',
          tooltip: '',
          type: 'dashboards',
          url: '',
        },
      ],
      liveNow: false,
      panels: [panels[i] { id: i + 1 } for i in std.range(0, std.length(panels) - 1)],
      refresh: c.dashboardRefresh,
      schemaVersion: 39,
      tags: c.dashboardTags,
      templating: {
        list: [
                {
                  current: {},
                  description: "The Prometheus that scrapes collectd's write_prometheus (scrape job with honor_labels: true).",
                  hide: 0,
                  includeAll: false,
                  label: 'Data source',
                  multi: false,
                  name: 'datasource',
                  options: [],
                  query: 'prometheus',
                  refresh: 1,
                  regex: '',
                  skipUrlSync: false,
                  type: 'datasource',
                },
              ] + (if c.showMultiCluster then [$.variable('cluster',
                                                          'Cluster',
                                                          'Cluster (the %s label)' % c.clusterLabel,
                                                          'label_values(%s, %s)' % [selector('collectd_ctwatch_conntrack', [c.ctwatchSelector]), c.clusterLabel],
                                                          all=multi) { query+: { refId: 'ctwatch-cluster' } }]
                   else [])
              + variables,
      },
      time: { from: 'now-6h', to: 'now' },
      timepicker: {},
      timezone: 'browser',
      title: title,
      uid: uid,
      version: 1,
      weekStart: '',
    },
    // The namespace variable (the ctwatch label): several, All by default.
    namespaceVariable(description, query):: $.variable('namespace', 'Namespace', description, query, all=true) {
      current: { selected: true, text: ['All'], value: ['$__all'] },
    },
    // A query variable; all: multi-valued with an "All" (.*) choice, All selected.
    variable(name, label, description, query, all=false):: {
      current: {},
      datasource: datasource,
      definition: query,
      description: description,
      hide: 0,
      includeAll: all,
      label: label,
      multi: all,
      name: name,
      options: [],
      query: { query: query, refId: 'PrometheusVariableQueryEditor-VariableQuery' },
      refresh: 2,
      regex: '',
      skipUrlSync: false,
      sort: 1,
      type: 'query',
    } + (if all then { allValue: '.*' } else {}),
  }
