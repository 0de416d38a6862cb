// The alerting rules: one file per alert in this directory, each a
// function(c) of the mixin's _config returning one Prometheus rule whose
// expr and description `query` templates are plain PromQL.  To add an alert,
// add its file and its name to `names` (order = order in the rules file),
// its `for` to _config.alertFor, its runbook to docs/runbooks/, and its
// promtool test to rules/prometheus/tests/ (mixin/README.md).
local u = import '../lib/util.libsonnet';

local names = [
  'ConntrackTableNearlyFull',
  'ConntrackTableFillingFast',
  'ConntrackPacketsDropped',
  'ConntrackTimeWaitDominant',
  'ConntrackTableFillingUp',
  'ConntrackEarlyDrops',
  'ConntrackMaxNotTuned',
  'ConntrackTimeWaitTimeoutLong',
  'ConntrackTcpTwReuseEnabled',
  'ConntrackCensusStale',
  'ConntrackNamespaceUnsampled',
  'ConntrackMetricsAbsent',
  'ConntrackHashChainsTooLong',
  'ConntrackInsertClashesUnresolved',
  'ConntrackMaxBelowRecommended',
];

// Static imports (jsonnet cannot import a computed path).
local files = {
  ConntrackTableNearlyFull: import 'ConntrackTableNearlyFull.libsonnet',
  ConntrackTableFillingFast: import 'ConntrackTableFillingFast.libsonnet',
  ConntrackPacketsDropped: import 'ConntrackPacketsDropped.libsonnet',
  ConntrackTimeWaitDominant: import 'ConntrackTimeWaitDominant.libsonnet',
  ConntrackTableFillingUp: import 'ConntrackTableFillingUp.libsonnet',
  ConntrackEarlyDrops: import 'ConntrackEarlyDrops.libsonnet',
  ConntrackMaxNotTuned: import 'ConntrackMaxNotTuned.libsonnet',
  ConntrackTimeWaitTimeoutLong: import 'ConntrackTimeWaitTimeoutLong.libsonnet',
  ConntrackTcpTwReuseEnabled: import 'ConntrackTcpTwReuseEnabled.libsonnet',
  ConntrackCensusStale: import 'ConntrackCensusStale.libsonnet',
  ConntrackNamespaceUnsampled: import 'ConntrackNamespaceUnsampled.libsonnet',
  ConntrackMetricsAbsent: import 'ConntrackMetricsAbsent.libsonnet',
  ConntrackHashChainsTooLong: import 'ConntrackHashChainsTooLong.libsonnet',
  ConntrackInsertClashesUnresolved: import 'ConntrackInsertClashesUnresolved.libsonnet',
  ConntrackMaxBelowRecommended: import 'ConntrackMaxBelowRecommended.libsonnet',
};

// What every alert gets from _config: the selector in its expr and in its
// description's queries, the cluster label in its `by` clauses, the runbook.
local finish(c, r) =
  local byLabel = if c.showMultiCluster then c.clusterLabel else '';
  local promql(t) = u.withByLabel(u.withMatchers(t, c.ctwatchSelector), byLabel);
  local description = promql(r.annotations.description);
  r {
    expr: promql(r.expr),
    annotations+: {
      description: u.fold(description),
      runbook_url: c.runbookURLPattern % r.alert,
    },
    // The rules file prints the description as a `>-` block of these lines.
    foldedAnnotations:: { description: std.filter(function(l) l != '', std.split(description, '\n')) },
  };

{
  prometheusAlerts+:: {
    groups+: [{
      name: 'ctwatch',
      rules: [
        local r = files[n]($._config);
        assert r.alert == n : 'alerts/%s.libsonnet names its alert %s' % [n, r.alert];
        finish($._config, r)
        for n in names
      ],
    }],
  },
}
