// The Grafana dashboards, built from the panel library mixin/lib/dashboard.libsonnet.
{
  grafanaDashboards+:: {
    'ctwatch-host.json': (import 'ctwatch-host.libsonnet')($._config),
    'ctwatch-fleet.json': (import 'ctwatch-fleet.libsonnet')($._config),
  },
}
