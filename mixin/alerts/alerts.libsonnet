// The alerting rules: one file per alert in this directory, listed once in
// list.libsonnet (order = order in the rules file).  Each file is a
// function(c) of the mixin's _config returning one Prometheus rule whose
// expr and description `query` templates are plain PromQL, and whose hidden
// `defaultFor` is its `for` unless _config.alertFor overrides it.  To add an
// alert: its file, one line in list.libsonnet, its runbook in docs/runbooks/
// and its promtool test in rules/prometheus/tests/ (mixin/README.md).
local u = import '../lib/util.libsonnet';

// What every alert gets from _config: the selector in its expr and in its
// description's queries, the cluster label in its `by` clauses, the runbook.
local finish(c, r) =
  local byLabel = if c.showMultiCluster then c.clusterLabel else '';
  local promql(t) = u.withByLabel(u.withMatchers(t, c.ctwatchSelector), byLabel);
  local description = promql(r.annotations.description);
  r {
    expr: promql(r.expr),
    'for': c.alertFor[r.alert],
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
      rules: [finish($._config, f($._config)) for f in import 'list.libsonnet'],
    }],
  },
}
