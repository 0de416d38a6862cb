// Drop causes and sizing (issue 11). Every description starts with the
// sentence of its cause in plugin/core (drop_causes.cpp, sizing.hpp), the
// one the CLI findings and runbooks use; tests/unit/core/wording_test.cpp
// checks it.
//
// Hash chains too long (kernel >= 5.15: chaintoolong absent before, so the
// alert cannot fire there): __nf_conntrack_confirm() refused entries whose
// hash chain was over its random cap, while the table is not nearly full
// -- a full table is the fill alerts' business.
function(c) {
  alert: 'ConntrackHashChainsTooLong',
  expr: |||
    increase(collectd_ctwatch_errors_total{type="chaintoolong"}[5m]) > 0
    unless on(instance, ctwatch)
    (
      collectd_ctwatch_conntrack{type="entries"} / ignoring(type) (collectd_ctwatch_conntrack{type="max"} > 0) >= %(chainsFullRatio)g
    )
  ||| % c,
  // `for`, unless _config.alertFor overrides it.
  defaultFor:: '0m',
  labels: { severity: 'warning' },
  annotations: {
    summary: 'Conntrack hash chains too long on {{ $labels.instance }} (namespace {{ $labels.ctwatch }})',
    description: |||
      Hash chains too long: the kernel refuses new entries whose hash chain is over its
      length cap, and drops their packets, although the table is not full. chaintoolong
      rose by {{ $value | humanize }} in the last 5 minutes on {{ $labels.instance }}
      (namespace {{ $labels.ctwatch }}). Raise nf_conntrack_buckets (`ctwatch --sysctl`).
    |||,
  },
}
