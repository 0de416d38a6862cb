// The incident's root cause: a chatty client without connection pooling
// leaves one TIME_WAIT entry per closed connection for
// nf_conntrack_tcp_timeout_time_wait (default 120 s).  Only interesting
// while the table is at least half full; 10m rules out short bursts.
// The census values are read over _config.censusWindow: see there.
function(c) {
  alert: 'ConntrackTimeWaitDominant',
  expr: |||
    (
      clamp_max(
        last_over_time(collectd_ctwatch_tcp_connections{type="TIME_WAIT"}[%(censusWindow)s])
          / ignoring(type)
        (collectd_ctwatch_conntrack{type="entries"} > 0),
        1
      )
      >= %(timeWaitShareRatio)g
    )
    and ignoring(type)
    (
      collectd_ctwatch_conntrack{type="entries"}
        / ignoring(type)
      (collectd_ctwatch_conntrack{type="max"} > 0)
      >= %(fillGateRatio)g
    )
  ||| % c,
  // `for`, unless _config.alertFor overrides it.
  defaultFor:: '10m',
  labels: { severity: 'warning' },
  annotations: {
    summary: 'TIME_WAIT is {{ $value | humanizePercentage }} of the conntrack table on {{ $labels.instance }} (namespace {{ $labels.ctwatch }})',
    // The census window (_config.censusWindow) in the lookups too.
    description: std.strReplace(|||
      {{ $value | humanizePercentage }} of the conntrack entries on {{ $labels.instance }}
      (namespace {{ $labels.ctwatch }}) are TCP connections in TIME_WAIT
      ({{ with printf `last_over_time(collectd_ctwatch_tcp_connections{type="TIME_WAIT",instance="%s",ctwatch="%s"}[10m])` $labels.instance $labels.ctwatch | query }}{{ . | first | value | humanize }}{{ else }}?{{ end }}
      of {{ with printf `collectd_ctwatch_conntrack{type="entries",instance="%s",ctwatch="%s"}` $labels.instance $labels.ctwatch | query }}{{ . | first | value | humanize }}{{ else }}?{{ end }}
      entries) and the table is
      {{ with printf `collectd_ctwatch_conntrack{type="entries",instance="%s",ctwatch="%s"} / ignoring(type) collectd_ctwatch_conntrack{type="max",instance="%s",ctwatch="%s"}` $labels.instance $labels.ctwatch $labels.instance $labels.ctwatch | query }}{{ . | first | value | humanizePercentage }}{{ else }}?{{ end }}
      full. Short-lived connections (no pooling/keep-alive) are filling the
      table with closed connections.
    |||, '[10m]', '[' + c.censusWindow + ']'),
  },
}
