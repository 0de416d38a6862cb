// The Grafana dashboards.  The host dashboard is built from the panel library
// (mixin/lib/dashboard.libsonnet); the fleet file is a function(c, runbook) returning the
// dashboard with plain PromQL queries; here every query (targets' expr,
// template variables' query/definition) gets _config.ctwatchSelector and,
// with showMultiCluster, the cluster matcher and `by` label; the dashboards
// get _config's tags and refresh and, with showMultiCluster, a cluster
// variable first.
local u = import '../lib/util.libsonnet';

local clusterVariable(c, multi) = {
  current: {},
  datasource: { type: 'prometheus', uid: '${datasource}' },
  definition: 'label_values(collectd_ctwatch_conntrack, %s)' % c.clusterLabel,
  description: 'Cluster (the %s label)' % c.clusterLabel,
  hide: 0,
  includeAll: multi,
  label: 'Cluster',
  multi: multi,
  name: 'cluster',
  options: [],
  query: { query: 'label_values(collectd_ctwatch_conntrack, %s)' % c.clusterLabel, refId: 'ctwatch-cluster' },
  refresh: 2,
  regex: '',
  skipUrlSync: false,
  sort: 1,
  type: 'query',
} + (if multi then { allValue: '.*' } else {});

// Applies f to every string field named expr, query or definition.
local mapQueries(x, f) =
  if std.isObject(x) then
    { [k]: if std.member(['expr', 'query', 'definition'], k) && std.isString(x[k]) then f(x[k]) else mapQueries(x[k], f) for k in std.objectFields(x) }
  else if std.isArray(x) then [mapQueries(e, f) for e in x]
  else x;

// With fleetRecordingRules, the fleet dashboard's expensive subexpressions
// become the recorded series (rules/fleet.libsonnet).
local useRecorded(c, text) =
  if !c.fleetRecordingRules then text
  else std.foldl(function(t, r) std.strReplace(t, r.dashboard, r.record + '{ctwatch=~"$namespace"}'),
                 import '../rules/fleet.libsonnet', text);

// Applies f to every string field named url (links).
local mapURLs(x, f) =
  if std.isObject(x) then
    { [k]: if k == 'url' && std.isString(x[k]) then f(x[k]) else mapURLs(x[k], f) for k in std.objectFields(x) }
  else if std.isArray(x) then [mapURLs(e, f) for e in x]
  else x;

// Links into the host dashboard carry the row's cluster too.
local linkCluster(c, url) =
  if !c.showMultiCluster then url
  else std.foldl(function(u, src) std.strReplace(u, 'var-instance=${%s.instance}' % src,
                                                'var-cluster=${%s.%s}&var-instance=${%s.instance}' % [src, c.clusterLabel, src]),
                 ['__data.fields', '__field.labels'], url);

local finish(c, d, multiClusterVar) =
  local clusterMatcher =
    if !c.showMultiCluster then ''
    else if multiClusterVar then '%s=~"$cluster"' % c.clusterLabel
    else '%s="$cluster"' % c.clusterLabel;
  local matchers = u.joinMatchers([c.ctwatchSelector, clusterMatcher]);
  local byLabel = if c.showMultiCluster then c.clusterLabel else '';
  local withVar = d {
    tags: c.dashboardTags,
    refresh: c.dashboardRefresh,
    templating+: {
      list:
        if c.showMultiCluster then
          // after the datasource variable, before the ones that use it
          [super.list[0], clusterVariable(c, multiClusterVar)] + super.list[1:]
        else super.list,
    },
  };
  // The cluster variable's own query must not filter on $cluster.
  local q(t) = if std.startsWith(t, 'label_values(collectd_ctwatch_conntrack, %s)' % c.clusterLabel)
  then u.withMatchers(t, c.ctwatchSelector)
  else u.withByLabel(u.withMatchers(if multiClusterVar then useRecorded(c, t) else t, matchers), byLabel);
  mapURLs(mapQueries(withVar, q), function(url) linkCluster(c, url));

{
  grafanaDashboards+:: {
    local c = $._config,
    local runbook(name) = c.runbookURLPattern % name,
    'ctwatch-host.json': (import 'ctwatch-host.libsonnet')(c),
    'ctwatch-fleet.json': finish(c, (import 'ctwatch-fleet.libsonnet')(c, runbook), true),
  },
}
