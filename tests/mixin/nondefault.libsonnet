// A _config that sets EVERY key of mixin/config.libsonnet (and the `for` of
// every alert) to a value that is not its default, rendered by
// tests/mixin/config_check.sh; config_check.sh fails when a key is missing
// here or equal to its default, and config_check.py has an assertion per
// key (each must fail on the default render on its own).
{
  ctwatchSelector: 'job="x"',
  fillPageRatio: 0.9,
  fillGateRatio: 0.6,
  timeWaitShareRatio: 0.7,
  fillingFastSeconds: 120,
  timeWaitTimeoutSeconds: 90,
  censusStaleSeconds: 1800,
  censusWindow: '45m',
  chainsFullRatio: 0.95,
  // Distinct values, so a `for` that lands on another alert is caught.
  alertFor+: {
    ConntrackTableNearlyFull: '2m',
    ConntrackTableFillingFast: '30s',
    ConntrackPacketsDropped: '1m',
    ConntrackTimeWaitDominant: '20m',
    ConntrackTableFillingUp: '30m',
    ConntrackEarlyDrops: '2m30s',
    ConntrackMaxNotTuned: '1h',
    ConntrackTimeWaitTimeoutLong: '25m',
    ConntrackTcpTwReuseEnabled: '1h30m',
    ConntrackCensusStale: '10m',
    ConntrackNamespaceUnsampled: '11m',
    ConntrackMetricsAbsent: '3m',
    ConntrackHashChainsTooLong: '4m',
    ConntrackInsertClashesUnresolved: '6m',
    ConntrackMaxBelowRecommended: '2h',
  },
  runbookURLPattern: 'https://runbooks.example.org/ctwatch/%s.html',
  runbookIndexURL: 'https://runbooks.example.org/ctwatch/',
  clusterLabel: 'k8s_cluster',
  showMultiCluster: true,
  fleetRecordingRules: true,
  prometheusRuleMetadata: {
    namespace: 'observability',
    labels: { release: 'kube-prometheus-stack' },
    annotations: { 'example.org/owner': 'network' },
  },
  dashboardTags: ['conntrack-test'],
  dashboardRefresh: '30s',
  // Shared with another mixin: its key renders instead of failing.
  strictConfigKeys: false,
  someOtherMixinSelector: 'job="node"',
}
