// nf_conntrack_max is still the kernel default on a busy table.
// Kernel defaults (see docs/runbooks/ConntrackMaxNotTuned.md):
// >= 5.15: buckets = RAM/16 KiB/8, min 1024, 65536 above 1 GiB RAM,
// 262144 above 4 GiB (64-bit);      max = 1 * buckets
// <  5.15: buckets 16384 above 1 GiB, 65536 above 4 GiB;
// max = 4 * buckets
// Either way the default max is never above 262144.  A host tuned to
// max == buckets (the recommended 1:1 on new kernels, e.g. both 1048576)
// must not fire, hence the `<= 262144` cap.  The 4 * buckets branch
// catches the incident's situation on pre-5.15 kernels (65536 buckets,
// max 262144).  Only reported when the table is at least half full.
function(c) {
  alert: 'ConntrackMaxNotTuned',
  expr: |||
    (
      max without (type) (collectd_ctwatch_conntrack{type="max"} <= 262144)
    )
    and ignoring(type)
    (
        collectd_ctwatch_conntrack{type="max"}
          == ignoring(type)
        collectd_ctwatch_conntrack{type="buckets"}
      or ignoring(type)
        collectd_ctwatch_conntrack{type="max"}
          == ignoring(type)
        (4 * collectd_ctwatch_conntrack{type="buckets"})
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
    summary: 'nf_conntrack_max is still the kernel default ({{ $value | printf "%.0f" }}) on {{ $labels.instance }} (namespace {{ $labels.ctwatch }})',
    description: |||
      nf_conntrack_max as seen on {{ $labels.instance }} (namespace
      {{ $labels.ctwatch }}) is {{ $value | printf "%.0f" }}, the kernel's
      memory-based default (nf_conntrack_buckets is
      {{ with printf `collectd_ctwatch_conntrack{type="buckets",instance="%s",ctwatch="%s"}` $labels.instance $labels.ctwatch | query }}{{ . | first | value | printf "%.0f" }}{{ else }}?{{ end }}),
      and the table is already
      {{ with printf `collectd_ctwatch_conntrack{type="entries",instance="%s",ctwatch="%s"} / ignoring(type) collectd_ctwatch_conntrack{type="max",instance="%s",ctwatch="%s"}` $labels.instance $labels.ctwatch $labels.instance $labels.ctwatch | query }}{{ . | first | value | humanizePercentage }}{{ else }}?{{ end }}
      full. Size nf_conntrack_max (and nf_conntrack_buckets) for this host's
      connection rate before it fills up.
    |||,
  },
}
