// ctwatch monitoring mixin (https://monitoring.mixins.dev conventions):
//   prometheusAlerts   the alerting rules   -> rules/prometheus/ctwatch.rules.yml
//   prometheusRules    recording rules       (with _config.fleetRecordingRules)
//   grafanaDashboards  ctwatch-host.json, ctwatch-fleet.json -> dashboards/
//   _config            mixin/config.libsonnet
// Render: mixin/render.sh.  Extend: mixin/README.md.
(import 'config.libsonnet') +
(import 'alerts/alerts.libsonnet') +
(import 'rules/rules.libsonnet') +
(import 'dashboards/dashboards.libsonnet')
