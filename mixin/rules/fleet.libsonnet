// Recording rules for fleets (_config.fleetRecordingRules).  Measured with
// bench/fleet at 2,000 hosts x 2 namespaces (docs/performance.md, "Fleet
// scale"): the fleet dashboard's range queries that recompute these per
// series and per step took 1.5-4 s each on Prometheus, and the fill ratio
// alone is recomputed by 9 panels.  Each rule keeps every label of its
// input except `type` (instance, ctwatch, job, cluster, ...), so the
// dashboard aggregates them exactly as it did the raw expressions.
//
// `dashboard` below is each rule's expression as the fleet dashboard writes
// it: with fleetRecordingRules on, dashboards.libsonnet replaces that text
// by the recorded series (selectors are added afterwards, as everywhere).
local ns = ', ctwatch=~"$namespace"';
[
  {
    record: 'instance_ctwatch:collectd_ctwatch_conntrack:fill_ratio',
    expr: 'collectd_ctwatch_conntrack{type="entries"} / ignoring(type) (collectd_ctwatch_conntrack{type="max"} > 0)\n',
    dashboard: 'collectd_ctwatch_conntrack{type="entries"%s} / ignoring(type) (collectd_ctwatch_conntrack{type="max"%s} > 0)' % [ns, ns],
  },
  {
    record: 'instance_ctwatch:collectd_ctwatch_conntrack:fill_ratio_predict_linear1h_4h',
    expr: 'predict_linear(collectd_ctwatch_conntrack{type="entries"}[1h], 4 * 3600) / ignoring(type) (collectd_ctwatch_conntrack{type="max"} > 0)\n',
    dashboard: 'predict_linear(collectd_ctwatch_conntrack{type="entries"%s}[1h], 4 * 3600) / ignoring(type) (collectd_ctwatch_conntrack{type="max"%s} > 0)' % [ns, ns],
  },
  {
    record: 'instance_ctwatch:collectd_ctwatch_conntrack_entries:deriv1h',
    expr: 'max without(type) (deriv(collectd_ctwatch_conntrack{type="entries"}[1h]))\n',
    dashboard: 'deriv(collectd_ctwatch_conntrack{type="entries"%s}[1h])' % ns,
  },
  {
    record: 'instance_ctwatch:collectd_ctwatch_tcp_connections:time_wait_share',
    expr: 'clamp_max(last_over_time(collectd_ctwatch_tcp_connections{type="TIME_WAIT"}[10m]) / ignoring(type) (collectd_ctwatch_conntrack{type="entries"} > 0), 1)\n',
    dashboard: 'clamp_max(last_over_time(collectd_ctwatch_tcp_connections{type="TIME_WAIT"%s}[10m]) / ignoring(type) (collectd_ctwatch_conntrack{type="entries"%s} > 0), 1)' % [ns, ns],
  },
]
