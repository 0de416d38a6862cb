// ctwatch knows of namespaces it cannot read: over MaxNamespaces, out of
// file descriptors, a configured path that cannot be opened (deleted, not a
// network namespace, no privilege to enter it), or reads that keep failing
// (ctnetlink not answering within Timeout).  Nothing else fires for those
// namespaces: ConntrackMetricsAbsent only covers namespaces that were
// exported once.  namespaces_unsampled is per plugin (it goes out with
// ctwatch="host"), so the alert is per host.  for: 5m rides out a pod's
// namespace caught half made and one slow read.
function(c) {
  alert: 'ConntrackNamespaceUnsampled',
  expr: |||
    max by (instance) (collectd_ctwatch_gauge{type="namespaces_unsampled"}) > 0
  |||,
  // `for`, unless _config.alertFor overrides it.
  defaultFor:: '5m',
  labels: { severity: 'warning' },
  annotations: {
    summary: 'ctwatch cannot read {{ $value }} network namespace(s) on {{ $labels.instance }}',
    description: |||
      ctwatch on {{ $labels.instance }} knows of {{ $value }} network namespace(s) it could not read
      at its last reads ({{ with printf `max(collectd_ctwatch_gauge{type="namespaces_sampled",instance="%s"})` $labels.instance | query }}{{ . | first | value }}{{ else }}?{{ end }} read):
      their conntrack tables are not watched, and no other alert can fire for them.
      collectd's log names the first one and the reason (MaxNamespaces or the open-file limit reached,
      a path that cannot be opened, reads failing).
    |||,
  },
}
