// net.ipv4.tcp_tw_reuse: 0 off, 1 on for all outgoing connections,
// 2 loopback only (the default on current kernels).  Only 1 matters:
// it lifts the ephemeral-port limit that otherwise throttles a chatty
// client, and the incident found it enabled as a "performance
// optimization".  A hint, hence info, and only on a busy table.
// tcp_tw_reuse is per namespace, so it is joined per namespace.
// `max without (type)` (one series per namespace, nothing is merged)
// only strips type="tcp_tw_reuse" so all fill-based alerts share the
// label set {instance, ctwatch, <target labels>}.
function(c) {
  alert: 'ConntrackTcpTwReuseEnabled',
  expr: |||
    (
      max without (type) (collectd_ctwatch_gauge{type="tcp_tw_reuse"} == 1)
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
  defaultFor:: '15m',
  labels: { severity: 'info' },
  annotations: {
    summary: 'net.ipv4.tcp_tw_reuse=1 on busy conntrack host {{ $labels.instance }} (namespace {{ $labels.ctwatch }})',
    description: |||
      net.ipv4.tcp_tw_reuse is 1 on {{ $labels.instance }} (namespace
      {{ $labels.ctwatch }}) while its conntrack table is
      {{ with printf `collectd_ctwatch_conntrack{type="entries",instance="%s",ctwatch="%s"} / ignoring(type) collectd_ctwatch_conntrack{type="max",instance="%s",ctwatch="%s"}` $labels.instance $labels.ctwatch $labels.instance $labels.ctwatch | query }}{{ . | first | value | humanizePercentage }}{{ else }}?{{ end }}
      full. It lets local clients open new connections at a higher rate by reusing
      TIME_WAIT ports, which adds conntrack churn here and on every stateful hop,
      and can confuse stateful firewalls and NAT. Review whether it is needed
      (default is 2, loopback only).
    |||,
  },
}
