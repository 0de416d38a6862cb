// drop: a packet was dropped because no conntrack entry could be created
// (table full and early drop found no victim, or allocation failed)
// or an insert clash could not be resolved.
// insert_failed: an entry could not be inserted at confirmation (clash
// with an existing entry, hash chain too long, entry dying).
// One alert per counter (`type` stays in the labels).
// for: 0m, on purpose.  Every increment is a packet that was already
// lost, so delaying the page buys nothing.  The [5m] window already acts
// as the hold time: a single burst keeps the alert active for ~5 minutes
// and then it resolves by itself.  A `for` of 5m or more would even hide
// single bursts completely, since increase()[5m] is > 0 for only 5m.
// Counter resets (plugin/collectd restart, reboot) are handled by
// increase() and never fire on their own.
function(c) {
  alert: 'ConntrackPacketsDropped',
  expr: |||
    increase(collectd_ctwatch_errors_total{type=~"drop|insert_failed"}[5m]) > 0
  |||,
  // `for`, unless _config.alertFor overrides it.
  defaultFor:: '0m',
  labels: { severity: 'critical' },
  annotations: {
    summary: 'Conntrack is dropping packets on {{ $labels.instance }} (namespace {{ $labels.ctwatch }}, counter {{ $labels.type }})',
    description: |||
      The conntrack {{ $labels.type }} counter on {{ $labels.instance }} (namespace
      {{ $labels.ctwatch }}) increased by {{ $value | humanize }} in the last
      5 minutes: packets were dropped because a conntrack entry could not be
      created or inserted. Connections are failing silently right now. The table is
      {{ with printf `collectd_ctwatch_conntrack{type="entries",instance="%s",ctwatch="%s"} / ignoring(type) collectd_ctwatch_conntrack{type="max",instance="%s",ctwatch="%s"}` $labels.instance $labels.ctwatch $labels.instance $labels.ctwatch | query }}{{ . | first | value | humanizePercentage }}{{ else }}?{{ end }}
      full. Which cause (`ctwatch --interval 10` names it): {{ if eq $labels.type "drop" }}Table full: packets that need
      a new conntrack entry are dropped because the table is at nf_conntrack_max and early
      drop found no unassured entry to evict.{{ else }}insert_failed counts insert clashes not resolved
      and hash chains too long, each with its own alert (ConntrackInsertClashesUnresolved,
      ConntrackHashChainsTooLong).{{ end }}
    |||,
  },
}
