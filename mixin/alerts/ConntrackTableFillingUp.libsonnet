// Early warning: a linear fit of the last hour reaches nf_conntrack_max
// within 4 hours.  The value is the predicted fill ratio in 4h.
// Gates: the table is at least half full (prediction from a nearly empty
// table is noise, e.g. the morning ramp) and it is actually growing
// (a table sitting flat at 100 % is ConntrackTableNearlyFull's job, not
// a "filling up" trend).  for: 15m rides out short bursts.
function(c) {
  alert: 'ConntrackTableFillingUp',
  expr: |||
    (
      predict_linear(collectd_ctwatch_conntrack{type="entries"}[1h], 4 * 3600)
        / ignoring(type)
      (collectd_ctwatch_conntrack{type="max"} > 0)
      >= 1
    )
    and ignoring(type)
    (
      collectd_ctwatch_conntrack{type="entries"}
        / ignoring(type)
      (collectd_ctwatch_conntrack{type="max"} > 0)
      >= %(fillGateRatio)g
    )
    and ignoring(type)
    (
      deriv(collectd_ctwatch_conntrack{type="entries"}[1h]) > 0
    )
  ||| % c,
  // `for`, unless _config.alertFor overrides it.
  defaultFor:: '15m',
  labels: { severity: 'warning' },
  annotations: {
    summary: 'Conntrack table on {{ $labels.instance }} (namespace {{ $labels.ctwatch }}) will be full within 4 hours',
    description: |||
      The conntrack table on {{ $labels.instance }} (namespace {{ $labels.ctwatch }})
      is
      {{ with printf `collectd_ctwatch_conntrack{type="entries",instance="%s",ctwatch="%s"} / ignoring(type) collectd_ctwatch_conntrack{type="max",instance="%s",ctwatch="%s"}` $labels.instance $labels.ctwatch $labels.instance $labels.ctwatch | query }}{{ . | first | value | humanizePercentage }}{{ else }}?{{ end }}
      full
      ({{ with printf `collectd_ctwatch_conntrack{type="entries",instance="%s",ctwatch="%s"}` $labels.instance $labels.ctwatch | query }}{{ . | first | value | humanize }}{{ else }}?{{ end }}
      of nf_conntrack_max {{ with printf `collectd_ctwatch_conntrack{type="max",instance="%s",ctwatch="%s"}` $labels.instance $labels.ctwatch | query }}{{ . | first | value | printf "%.0f" }}{{ else }}?{{ end }})
      and growing; a linear fit over the last hour predicts
      {{ $value | humanizePercentage }} of nf_conntrack_max in 4 hours.
    |||,
  },
}
