// early_drop: the table hit nf_conntrack_max and the kernel evicted a
// not-yet-assured entry (half-open / unreplied flow) to make room for a
// new one.  Nothing was dropped yet, but the safety valve is in use and
// ConntrackPacketsDropped is next.  for: 0m for the same reason as
// ConntrackPacketsDropped: the [10m] window is the hold time, and every
// increment means the table was full at that moment.
function(c) {
  alert: 'ConntrackEarlyDrops',
  expr: |||
    increase(collectd_ctwatch_errors_total{type="early_drop"}[10m]) > 0
  |||,
  // `for`, unless _config.alertFor overrides it.
  defaultFor:: '0m',
  labels: { severity: 'warning' },
  annotations: {
    summary: 'Conntrack table full, entries evicted on {{ $labels.instance }} (namespace {{ $labels.ctwatch }})',
    description: |||
      The kernel evicted {{ $value | humanize }} conntrack entries in the last 10
      minutes on {{ $labels.instance }} (namespace {{ $labels.ctwatch }}) to make room for new connections: the
      table reached nf_conntrack_max. Unreplied and half-open flows are being
      sacrificed; when no such victim is found, packets are dropped. The table is
      {{ with printf `collectd_ctwatch_conntrack{type="entries",instance="%s",ctwatch="%s"} / ignoring(type) collectd_ctwatch_conntrack{type="max",instance="%s",ctwatch="%s"}` $labels.instance $labels.ctwatch $labels.instance $labels.ctwatch | query }}{{ . | first | value | humanizePercentage }}{{ else }}?{{ end }}
      full.
    |||,
  },
}
