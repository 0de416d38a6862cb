// The monitor is blind to what fills the table: the census values
// (TCP states, protocols, top peers; ConntrackTimeWaitDominant) are
// older than 15 minutes, or none ever succeeded (census_age +Inf).
// Causes: no CAP_NET_ADMIN (the /proc fallback has no census), dumps
// failing or timing out, a CensusBudget that spaces out the censuses of
// a huge table (a million entries at 1 % is one every ~160 s, far
// below).  census_age is dispatched only where a census is expected.
// for: 5m rides out one slow dump.
function(c) {
  alert: 'ConntrackCensusStale',
  expr: |||
    max without(type) (collectd_ctwatch_duration_seconds{type="census_age"}) > %(censusStaleSeconds)g
  ||| % c,
  // `for`, unless _config.alertFor overrides it.
  defaultFor:: '5m',
  labels: { severity: 'warning' },
  annotations: {
    summary: 'ctwatch has no fresh census of the conntrack table on {{ $labels.instance }} (namespace {{ $labels.ctwatch }})',
    description: |||
      The last census ctwatch took of the conntrack table on {{ $labels.instance }}
      (namespace {{ $labels.ctwatch }}) {{ if gt $value 1e15 }}never succeeded{{ else }}is {{ $value | humanizeDuration }} old{{ end }}:
      TCP states, protocols and top peers are stale, and ConntrackTimeWaitDominant is blind.
      Source in use: {{ with printf `collectd_ctwatch_gauge{type="source_netlink",instance="%s",ctwatch="%s"}` $labels.instance $labels.ctwatch | query }}{{ if eq (. | first | value) 1.0 }}ctnetlink (see collectd's log for failing dumps){{ else }}the /proc fallback, which has no census (collectd needs CAP_NET_ADMIN){{ end }}{{ else }}?{{ end }}.
    |||,
  },
}
