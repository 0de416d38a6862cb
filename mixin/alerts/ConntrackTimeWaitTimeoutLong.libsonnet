// nf_conntrack_tcp_timeout_time_wait (default 120 s) is how long a closed
// connection keeps its entry.  Worth lowering (30-60 s) when TIME_WAIT
// dominates the table.  The timeout is a per-namespace sysctl, so it is
// joined per namespace.  No fill gate (the contract asks for none): this
// is an info-level tuning hint.  Strictly `> 60`: 60 s is an accepted
// tuned value.  `max without (type)` only strips the type label (see
// ConntrackTcpTwReuseEnabled).
function(c) {
  alert: 'ConntrackTimeWaitTimeoutLong',
  expr: |||
    (
      max without (type) (
        collectd_ctwatch_duration_seconds{type="tcp_timeout_time_wait"} > %(timeWaitTimeoutSeconds)g
      )
    )
    and ignoring(type)
    (
      clamp_max(
        last_over_time(collectd_ctwatch_tcp_connections{type="TIME_WAIT"}[%(censusWindow)s])
          / ignoring(type)
        (collectd_ctwatch_conntrack{type="entries"} > 0),
        1
      )
      >= %(timeWaitShareRatio)g
    )
  ||| % c,
  // `for`, unless _config.alertFor overrides it.
  defaultFor:: '10m',
  labels: { severity: 'info' },
  annotations: {
    summary: 'Conntrack TIME_WAIT timeout is {{ $value | humanizeDuration }} on {{ $labels.instance }} (namespace {{ $labels.ctwatch }}) while TIME_WAIT dominates',
    // The threshold and the census window are filled in by strReplace: the
    // text's own %s belong to printf.
    description: std.strReplace(std.strReplace(|||
      net.netfilter.nf_conntrack_tcp_timeout_time_wait on {{ $labels.instance }}
      (namespace {{ $labels.ctwatch }}) is
      {{ $value | humanizeDuration }} (more than %(timeWaitTimeoutSeconds)gs) while
      {{ with printf `clamp_max(last_over_time(collectd_ctwatch_tcp_connections{type="TIME_WAIT",instance="%s",ctwatch="%s"}[10m]) / ignoring(type) collectd_ctwatch_conntrack{type="entries",instance="%s",ctwatch="%s"}, 1)` $labels.instance $labels.ctwatch $labels.instance $labels.ctwatch | query }}{{ . | first | value | humanizePercentage }}{{ else }}?{{ end }}
      of its conntrack entries are in TIME_WAIT. Every closed TCP connection
      occupies an entry for that long; 30-60s is usually enough.
    |||, '%(timeWaitTimeoutSeconds)g', '%g' % c.timeWaitTimeoutSeconds), '[10m]', '[' + c.censusWindow + ']'),
  },
}
