// A (host, namespace) that exported ctwatch metrics during the last hour
// but has not for the last 10 minutes.  Without it, every rule above is
// silently blind for that host.
// * The 10 minutes live in the expression (present_over_time[10m]), not
// in `for`, so the alert does not depend on the staleness handling of
// write_prometheus samples: they carry collectd's own timestamps, get
// no staleness markers, and stay visible to instant queries for the
// 5m lookback after the last sample.  Hence `for: 0m`.
// * "Previously exported" = present at any time in the last hour; a
// host that never exported ctwatch never fires.  After an hour of
// silence the alert resolves by itself (the host is assumed
// decommissioned); a whole dead host/target is the job of the
// usual `up == 0` alert.
// * Grouped by (instance, ctwatch) only, so it survives a job rename
// and also catches one namespace vanishing while others still report.
// * Samples whose collectd timestamp lags the Prometheus clock by more
// than 10 minutes also look absent: that is intended, all other rules
// are blind in that case too.
function(c) {
  alert: 'ConntrackMetricsAbsent',
  expr: |||
    group by (instance, ctwatch) (
      present_over_time(collectd_ctwatch_conntrack{type="entries"}[1h])
    )
    unless
    group by (instance, ctwatch) (
      present_over_time(collectd_ctwatch_conntrack{type="entries"}[10m])
    )
  |||,
  // `for`, unless _config.alertFor overrides it.
  defaultFor:: '0m',
  labels: { severity: 'warning' },
  annotations: {
    summary: 'No ctwatch metrics from {{ $labels.instance }} (namespace {{ $labels.ctwatch }}) for 10 minutes',
    description: |||
      {{ $labels.instance }} exported ctwatch conntrack metrics for namespace
      {{ $labels.ctwatch }} within the last hour, but none in the last 10
      minutes. Conntrack alerting for it is blind. Check collectd, the ctwatch
      plugin and its namespace, the write_prometheus scrape, and the host clock.
    |||,
  },
}
