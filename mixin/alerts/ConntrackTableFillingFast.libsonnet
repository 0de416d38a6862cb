// The fast page: the table is at least half full and, at the growth the
// plugin measures from its 1 s samples (duration "time_to_full", a
// least-squares trend; +Inf when not growing), full within 5 minutes.
// for: 0m because the pipeline already costs up to ~40 s (collectd
// Interval 10 + scrape 15 + evaluation 15) and a 2,000 entries/s ramp
// from 50 % of 262,144 is full 65 s after it starts; the plugin only
// reports growth that stands 5-8 standard errors above its own noise,
// so a steady table does not trip it (docs/alerting.md).  The 50 %
// gate keeps bursts on a near-empty table quiet.  `max without(type)`
// only drops the `type` label, so the alert is labelled like the
// other fill alerts.
function(c) {
  alert: 'ConntrackTableFillingFast',
  expr: |||
    (
      max without(type) (collectd_ctwatch_duration_seconds{type="time_to_full"}) < %(fillingFastSeconds)g
    )
    and
    (
      max without(type) (collectd_ctwatch_conntrack{type=~"entries|peak"})
        / ignoring(type)
      (collectd_ctwatch_conntrack{type="max"} > 0)
      >= %(fillGateRatio)g
    )
  ||| % c,
  // `for`, unless _config.alertFor overrides it.
  defaultFor:: '0m',
  labels: { severity: 'critical' },
  annotations: {
    summary: 'Conntrack table on {{ $labels.instance }} (namespace {{ $labels.ctwatch }}) will be full in about {{ $value | humanizeDuration }}',
    description: |||
      The conntrack table on {{ $labels.instance }} (namespace {{ $labels.ctwatch }})
      is {{ with printf `collectd_ctwatch_conntrack{type="entries",instance="%s",ctwatch="%s"} / ignoring(type) collectd_ctwatch_conntrack{type="max",instance="%s",ctwatch="%s"}` $labels.instance $labels.ctwatch $labels.instance $labels.ctwatch | query }}{{ . | first | value | humanizePercentage }}{{ else }}?{{ end }}
      full and growing so fast that it will be full in about
      {{ $value | humanizeDuration }} (as measured when sampled); then the
      kernel silently drops every packet that would open a new connection.
      collectd's log has the census ctwatch took at that moment (NOTICE
      "census at once": TIME_WAIT share, top source and destination).
    |||,
  },
}
