// The recording rules: group ctwatch.fleet when _config.fleetRecordingRules.
local u = import '../lib/util.libsonnet';
{
  prometheusRules+:: {
    local c = $._config,
    local byLabel = if c.showMultiCluster then c.clusterLabel else '',
    groups+: if !c.fleetRecordingRules then [] else [{
      name: 'ctwatch.fleet',
      rules: [
        { record: r.record, expr: u.withByLabel(u.withMatchers(r.expr, c.ctwatchSelector), byLabel) }
        for r in (import 'fleet.libsonnet')
      ],
    }],
  },
}
