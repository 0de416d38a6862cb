// The mixin's settings.  Override any of them with
//   (import 'mixin.libsonnet') + { _config+:: { fillPageRatio: 0.85 } }
// (mixin/README.md).  The defaults render exactly the files that ship.
// Every key is checked when the rules or dashboards are rendered
// (mixin.libsonnet, lib/validate.libsonnet): an unknown key, a value of the
// wrong type, a ratio outside (0, 1], a selector with braces fail `jsonnet`
// with a message naming the key.
{
  _config+:: {
    // PromQL label matchers added to every collectd_ctwatch_* selector of
    // every rule and dashboard query, e.g. 'job="collectd"'.  '' = all series.
    ctwatchSelector: '',

    // ConntrackTableNearlyFull pages at this fill (entries or peak / max);
    // the dashboards draw their red threshold here too.
    fillPageRatio: 0.80,
    // The fill below which the trend and tuning alerts stay quiet
    // (FillingFast, FillingUp, TimeWaitDominant, MaxNotTuned, TcpTwReuseEnabled).
    fillGateRatio: 0.5,
    // TIME_WAIT share of the entries that counts as dominant.
    timeWaitShareRatio: 0.5,
    // ConntrackTableFillingFast: full within this many seconds.
    fillingFastSeconds: 300,
    // ConntrackTimeWaitTimeoutLong: nf_conntrack_tcp_timeout_time_wait above this.
    timeWaitTimeoutSeconds: 60,
    // ConntrackCensusStale: last census older than this.
    censusStaleSeconds: 900,
    // How long the census-based alerts (TimeWaitDominant, TimeWaitTimeoutLong)
    // keep using the last census values once censuses stop.  Longer than
    // censusStaleSeconds + CensusStale's `for` (20 minutes), so when the
    // census stops they stay on the stale values until ConntrackCensusStale
    // has fired, instead of "resolving" as if fixed while the monitor is blind.
    censusWindow: '30m',
    // ConntrackHashChainsTooLong stays quiet from this fill on (a full table
    // is the fill alerts' business).
    chainsFullRatio: 0.9,

    // `for` of each alert.  The defaults sit in each alert's file
    // (alerts/<AlertName>.libsonnet, `defaultFor`), next to the reasoning
    // for them; change some with
    //   alertFor+: { ConntrackTableNearlyFull: '2m' }
    // -- with `+:`.  A plain `alertFor: {...}` replaces the whole table and
    // fails the render, naming the alerts it leaves without a `for`.
    alertFor: { [r.alert]: r.defaultFor for r in [f({}) for f in import 'alerts/list.libsonnet'] },

    // runbook_url of every alert (and the dashboards' runbook links): %s is
    // the alert name.  The default is where the package installs the
    // runbooks (docs/runbooks/*.md); see mixin/README.md for why, and set it
    // to your own wiki or Git host, e.g.
    //   'https://git.example.com/ctwatch/blob/main/docs/runbooks/%s.md'.
    runbookURLPattern: 'file:///usr/share/doc/collectd-ctwatch/runbooks/%s.md',
    // The runbook index linked from the dashboards.
    runbookIndexURL: 'file:///usr/share/doc/collectd-ctwatch/runbooks/',

    // Fleets with several clusters: when showMultiCluster is true every
    // `by (...)` of the rules and dashboards also keeps clusterLabel, and
    // both dashboards get a cluster variable that filters every query.
    clusterLabel: 'cluster',
    showMultiCluster: false,

    // Fleets of ~1,000 hosts and more: record the fill ratio, its 4 h
    // prediction, the growth and the TIME_WAIT share (mixin/rules/fleet.libsonnet,
    // group ctwatch.fleet in the rules file) and let the fleet dashboard read
    // those instead of recomputing them per panel (bench: docs/performance.md).
    fleetRecordingRules: false,

    // The PrometheusRule's metadata (rules/prometheus/ctwatch.prometheusrule.yaml):
    // merged into { name: 'ctwatch', labels: { 'app.kubernetes.io/name': 'ctwatch' } };
    // fields name, namespace, labels, annotations.  kube-prometheus-stack's
    // Prometheus selects rules by its release label:
    //   { namespace: 'monitoring', labels: { release: 'kube-prometheus-stack' } }
    prometheusRuleMetadata: {},

    dashboardTags: ['ctwatch', 'conntrack'],
    dashboardRefresh: '1m',

    // Unknown keys fail the render (a misspelt key would otherwise be
    // ignored silently).  Set false when this _config is shared with other
    // mixins (e.g. mixed into one object with kubernetes-mixin).
    strictConfigKeys: true,

    // Derived, do not set: the page threshold as a percentage (rounded to
    // 0.1) and both as text (jsonnet prints 0.8 as 0.80000000000000004).
    fillPagePercent:: std.floor(self.fillPageRatio * 1000 + 0.5) / 10,
    fillPagePercentText:: '%g' % self.fillPagePercent,
    fillPageRatioText:: '%g' % self.fillPageRatio,
  },
}
