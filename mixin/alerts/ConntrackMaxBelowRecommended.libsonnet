// Sizing (ctwatch(1) SIZING, plugin/core/sizing.hpp), in PromQL from
// exported metrics: need = max(largest peak/entries of the last day, insert
// rate x TIME_WAIT timeout); recommended = need x 2 rounded up to a multiple
// of 16384. The host dashboard shows the same expression as "recommended
// max". Info: nothing is dropped yet.
function(c) {
  alert: 'ConntrackMaxBelowRecommended',
  expr: |||
    ceil(
      max by (instance, ctwatch) (
        max_over_time(collectd_ctwatch_conntrack{type=~"peak|entries"}[1d])
        or
        label_replace(
          rate(collectd_ctwatch_operations_total{type="insert"}[15m])
          * ignoring(type) collectd_ctwatch_duration_seconds{type="tcp_timeout_time_wait"},
          "type", "rate", "", "")
      ) * 2 / 16384
    ) * 16384
    > on(instance, ctwatch)
    max by (instance, ctwatch) (collectd_ctwatch_conntrack{type="max"})
  |||,
  'for': c.alertFor.ConntrackMaxBelowRecommended,
  labels: { severity: 'info' },
  annotations: {
    summary: 'nf_conntrack_max below the recommended size on {{ $labels.instance }} (namespace {{ $labels.ctwatch }})',
    description: |||
      Max below the recommended size: the observed peak needs more than nf_conntrack_max
      with the documented headroom (the peak should fill at most half the table).
      Recommended {{ $value | humanize }} on {{ $labels.instance }} (namespace
      {{ $labels.ctwatch }}); `ctwatch --interval 60 --sysctl` prints the settings.
    |||,
  },
}
