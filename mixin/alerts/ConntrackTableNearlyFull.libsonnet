// The incident alert: a full table silently drops new connections.
// Fill is the larger of the latest count and the peak the plugin's fast
// sampler saw since its previous read (StatsInterval, 1 s), so a spike
// between two collectd reads counts too; `max without(type)` keeps
// whichever is present.  80 % leaves headroom for a steady climb;
// `for: 1m` ignores a single spike.  Fast ramps, which would outrun
// the pipeline's ~40 s plus this `for`, are ConntrackTableFillingFast's
// job (lead-time table: docs/alerting.md).  `>=` so that exactly 80 %
// fires.
function(c) {
  alert: 'ConntrackTableNearlyFull',
  expr: |||
    max without(type) (collectd_ctwatch_conntrack{type=~"entries|peak"})
      / ignoring(type)
    (collectd_ctwatch_conntrack{type="max"} > 0)
    >= %(fillPageRatio)g
  ||| % c,
  // `for`, unless _config.alertFor overrides it.
  defaultFor:: '1m',
  labels: { severity: 'critical' },
  annotations: {
    summary: 'Conntrack table {{ $value | humanizePercentage }} full on {{ $labels.instance }} (namespace {{ $labels.ctwatch }})',
    description: |||
      The netfilter conntrack table on {{ $labels.instance }} (namespace
      {{ $labels.ctwatch }}) is {{ $value | humanizePercentage }} full
      ({{ with printf `collectd_ctwatch_conntrack{type="entries",instance="%s",ctwatch="%s"}` $labels.instance $labels.ctwatch | query }}{{ . | first | value | humanize }}{{ else }}?{{ end }}
      of nf_conntrack_max {{ with printf `collectd_ctwatch_conntrack{type="max",instance="%s",ctwatch="%s"}` $labels.instance $labels.ctwatch | query }}{{ . | first | value | printf "%.0f" }}{{ else }}?{{ end }} entries).
      At 100% the kernel silently drops packets that would open new
      connections ("nf_conntrack: table full, dropping packet").
    |||,
  },
}
