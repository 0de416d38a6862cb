// Insert clashes not resolved: insert_failed beyond chaintoolong (both
// counted in __nf_conntrack_confirm(); chaintoolong taken as 0 where the
// kernel lacks it). Only where the kernel exports clash_resolve: before it,
// insert_failed also counted clashes that were resolved (no drop).
function(c) {
  alert: 'ConntrackInsertClashesUnresolved',
  expr: |||
    (
      increase(collectd_ctwatch_errors_total{type="insert_failed"}[5m])
      - ignoring(type)
      (
        increase(collectd_ctwatch_errors_total{type="chaintoolong"}[5m])
        or ignoring(type)
        0 * increase(collectd_ctwatch_errors_total{type="insert_failed"}[5m])
      )
    ) > 0.5
    and on(instance, ctwatch)
    collectd_ctwatch_operations_total{type="clash_resolve"}
  |||,
  // `for`, unless _config.alertFor overrides it.
  defaultFor:: '0m',
  labels: { severity: 'warning' },
  annotations: {
    summary: 'Conntrack insert clashes not resolved on {{ $labels.instance }} (namespace {{ $labels.ctwatch }})',
    description: |||
      Insert clashes not resolved: new entries clashed with an existing entry for the same
      tuple (racing packets of one new flow, NAT) and could not be merged, so their packets
      are dropped. {{ $value | humanize }} in the last 5 minutes on {{ $labels.instance }}
      (namespace {{ $labels.ctwatch }}), beyond what chaintoolong explains.
    |||,
  },
}
