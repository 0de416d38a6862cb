// ctwatch monitoring mixin (https://monitoring.mixins.dev conventions):
//   prometheusAlerts   the alerting rules   -> rules/prometheus/ctwatch.rules.yml
//   prometheusRules    recording rules       (with _config.fleetRecordingRules)
//   grafanaDashboards  ctwatch-host.json, ctwatch-fleet.json -> dashboards/
//   _config            mixin/config.libsonnet
// Render: mixin/render.sh.  Extend: mixin/README.md.
local validate = import 'lib/validate.libsonnet';

(import 'config.libsonnet') +
(import 'alerts/alerts.libsonnet') +
(import 'rules/rules.libsonnet') +
(import 'dashboards/dashboards.libsonnet') +
{
  // _config is checked against the defaults (lib/validate.libsonnet) when
  // any of the outputs is read: a mistake fails the render naming the key.
  // Not as an assert inside _config: jsonnet 0.18 re-checks an object's
  // asserts at every field access, and _config is read thousands of times.
  local problems = validate.problems($._config, (import 'config.libsonnet')._config),
  local ok = problems == [] || error 'ctwatch mixin: bad _config:\n  ' + std.join('\n  ', problems),
  prometheusAlerts+:: { assert ok },
  prometheusRules+:: { assert ok },
  grafanaDashboards+:: { assert ok },
}
