// Sizing (ctwatch(1) SIZING, plugin/core/sizing.hpp), in PromQL from the
// exported metrics: need = the largest peak/entries of the last day; the
// table is too small when need x 2 (the documented headroom) exceeds max --
// the CLI's max_too_small, compared the same way (unrounded).  The kernel's
// `insert` counter is not a new-connection rate (only ctnetlink-created
// entries count there), so no rate term.  The host dashboard shows the
// recommended max (need x 2 rounded up to 16384).  Info: nothing is
// dropped yet.
function(c) {
  alert: 'ConntrackMaxBelowRecommended',
  expr: |||
    max by (instance, ctwatch) (max_over_time(collectd_ctwatch_conntrack{type=~"peak|entries"}[1d])) * 2
    > on(instance, ctwatch)
    max by (instance, ctwatch) (collectd_ctwatch_conntrack{type="max"})
  |||,
  // `for`, unless _config.alertFor overrides it.
  defaultFor:: '1h',
  labels: { severity: 'info' },
  annotations: {
    summary: 'nf_conntrack_max below the recommended size on {{ $labels.instance }} (namespace {{ $labels.ctwatch }})',
    description: |||
      Max below the recommended size: the observed peak needs more than nf_conntrack_max
      with the documented headroom (the peak should fill at most half the table).
      Twice the last day's peak is {{ $value | humanize }} on {{ $labels.instance }} (namespace
      {{ $labels.ctwatch }}); `ctwatch --sysctl` prints the settings.
    |||,
  },
}
