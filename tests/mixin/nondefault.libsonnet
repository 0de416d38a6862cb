// A _config far from the defaults, rendered by tests/mixin/config_check.sh.
{
  ctwatchSelector: 'job="x"',
  fillPageRatio: 0.9,
  censusStaleSeconds: 1800,
  censusWindow: '45m',
  alertFor+: { ConntrackTableNearlyFull: '2m' },
  runbookURLPattern: 'https://runbooks.example.org/ctwatch/%s.html',
  runbookIndexURL: 'https://runbooks.example.org/ctwatch/',
  showMultiCluster: true,
  clusterLabel: 'k8s_cluster',
  dashboardTags: ['conntrack-test'],
  dashboardRefresh: '30s',
  fleetRecordingRules: true,
}
