// The host dashboard.  Queries are plain PromQL: the mixin adds _config.ctwatchSelector
// (and the cluster matcher) to every collectd_ctwatch_* selector, and the cluster
// label to every `by (...)` when showMultiCluster is on (mixin/lib/util.libsonnet).
// c: the mixin's _config; runbook(name): the runbook URL of an alert.
function(c, runbook)
  {
    annotations: {
      list: [],
    },
    description: "One host's netfilter conntrack table as seen by the collectd ctwatch plugin: fill, drops, census, tuning. Runbooks: docs/runbooks/.",
    editable: true,
    fiscalYearStartMonth: 0,
    graphTooltip: 1,
    id: null,
    links: [
      {
        asDropdown: false,
        icon: 'doc',
        includeVars: false,
        keepTime: false,
        tags: [],
        targetBlank: true,
        title: 'Runbooks (docs/runbooks/)',
        tooltip: 'One runbook per ctwatch alert',
        type: 'link',
        url: c.runbookIndexURL,
      },
      {
        asDropdown: true,
        icon: 'external link',
        includeVars: false,
        keepTime: true,
        tags: [
          'ctwatch',
        ],
        targetBlank: false,
        title: 'ctwatch dashboards',
        tooltip: '',
        type: 'dashboards',
        url: '',
      },
    ],
    liveNow: false,
    panels: [
      {
        gridPos: {
          h: 3,
          w: 24,
          x: 0,
          y: 0,
        },
        id: 1,
        options: {
          code: {
            language: 'plaintext',
            showLineNumbers: false,
            showMiniMap: false,
          },
          content: '**Is the table full?** Top row: fill (entries / `nf_conntrack_max`, the expression of the `ConntrackTableNearlyFull` alert, which pages at **' + c.fillPagePercentText + ' %**). **Are connections failing?** Second row: any red number there means the kernel dropped packets or could not insert entries. **Why is it filling?** Third row: the census by TCP state and protocol (TIME_WAIT in red). **Was it tuned?** Fourth row: orange values are kernel defaults or risky settings.\n\nRunbooks, one per alert: [docs/runbooks/](' + c.runbookIndexURL + ') — start with [ConntrackTableNearlyFull](' + runbook('ConntrackTableNearlyFull') + ') and [ConntrackPacketsDropped](' + runbook('ConntrackPacketsDropped') + "). For a namespace other than `host`, run the runbook's commands inside it (`ip netns exec NAME ...`).",
          mode: 'markdown',
        },
        pluginVersion: '10.4.0',
        title: 'On call? Start here',
        type: 'text',
      },
      {
        collapsed: false,
        gridPos: {
          h: 1,
          w: 24,
          x: 0,
          y: 3,
        },
        id: 2,
        panels: [],
        title: 'Is the table about to overflow?  (pages at ' + c.fillPagePercentText + ' %, or when full within 5 minutes)',
        type: 'row',
      },
      {
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        description: 'Current fill of the conntrack table per namespace: entries / nf_conntrack_max, the same expression as the ConntrackTableNearlyFull alert. Orange from 70 %, red from ' + c.fillPagePercentText + ' % (the alert pages at >= ' + c.fillPagePercentText + ' % for 1 minute). At 100 % the kernel silently drops packets that would open a new connection. Runbook: docs/runbooks/ConntrackTableNearlyFull.md',
        fieldConfig: {
          defaults: {
            color: {
              mode: 'thresholds',
            },
            decimals: 1,
            mappings: [],
            max: 100,
            min: 0,
            thresholds: {
              mode: 'absolute',
              steps: [
                {
                  color: 'green',
                  value: null,
                },
                {
                  color: 'orange',
                  value: 70,
                },
                {
                  color: 'red',
                  value: c.fillPagePercent,
                },
              ],
            },
            unit: 'percent',
          },
          overrides: [],
        },
        gridPos: {
          h: 8,
          w: 6,
          x: 0,
          y: 4,
        },
        id: 3,
        links: [
          {
            targetBlank: true,
            title: 'Runbook: ConntrackTableNearlyFull (docs/runbooks/ConntrackTableNearlyFull.md)',
            url: runbook('ConntrackTableNearlyFull'),
          },
        ],
        options: {
          minVizHeight: 75,
          minVizWidth: 75,
          orientation: 'auto',
          reduceOptions: {
            calcs: [
              'lastNotNull',
            ],
            fields: '',
            values: false,
          },
          showThresholdLabels: false,
          showThresholdMarkers: true,
          sizing: 'auto',
        },
        pluginVersion: '10.4.0',
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            editorMode: 'code',
            expr: '100 * collectd_ctwatch_conntrack{instance="$instance", ctwatch=~"$namespace", type="entries"} / ignoring(type) (collectd_ctwatch_conntrack{instance="$instance", ctwatch=~"$namespace", type="max"} > 0)',
            instant: true,
            legendFormat: '{{ctwatch}}',
            range: false,
            refId: 'A',
          },
        ],
        title: 'Table fill (entries / nf_conntrack_max)',
        type: 'gauge',
      },
      {
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        description: "Seconds until the table is full at the growth ctwatch measures right now (least-squares trend of its 1 s samples over the last 15 s and 60 s; only growth well above the table's own noise counts). \"not growing\" when it is flat or shrinking. ConntrackTableFillingFast pages below 5 minutes while the table is at least half full. Runbook: docs/runbooks/ConntrackTableFillingFast.md",
        fieldConfig: {
          defaults: {
            color: {
              mode: 'thresholds',
            },
            decimals: 0,
            mappings: [
              {
                options: {
                  from: 31536000,
                  result: {
                    color: 'green',
                    index: 0,
                    text: 'not growing',
                  },
                  to: 31536001,
                },
                type: 'range',
              },
            ],
            thresholds: {
              mode: 'absolute',
              steps: [
                {
                  color: 'red',
                  value: null,
                },
                {
                  color: 'orange',
                  value: 300,
                },
                {
                  color: 'green',
                  value: 3600,
                },
              ],
            },
            unit: 's',
          },
          overrides: [],
        },
        gridPos: {
          h: 8,
          w: 4,
          x: 6,
          y: 4,
        },
        id: 27,
        links: [
          {
            targetBlank: true,
            title: 'Runbook: ConntrackTableFillingFast (docs/runbooks/ConntrackTableFillingFast.md)',
            url: runbook('ConntrackTableFillingFast'),
          },
        ],
        options: {
          colorMode: 'background',
          graphMode: 'none',
          justifyMode: 'auto',
          orientation: 'auto',
          reduceOptions: {
            calcs: [
              'lastNotNull',
            ],
            fields: '',
            values: false,
          },
          textMode: 'auto',
        },
        pluginVersion: '10.4.0',
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            editorMode: 'code',
            expr: 'clamp_max(collectd_ctwatch_duration_seconds{instance="$instance", ctwatch=~"$namespace", type="time_to_full"}, 31536000)',
            instant: true,
            legendFormat: '{{ctwatch}}',
            range: false,
            refId: 'A',
          },
        ],
        title: 'Full in (at the current growth)',
        type: 'stat',
      },
      {
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        description: 'Fill per namespace over time (entries / nf_conntrack_max). Dashed lines: 70 % (warning) and ' + c.fillPagePercentText + ' % (the ConntrackTableNearlyFull page). A steady climb is what ConntrackTableFillingUp warns about. Runbook: docs/runbooks/ConntrackTableNearlyFull.md',
        fieldConfig: {
          defaults: {
            color: {
              mode: 'palette-classic',
            },
            custom: {
              axisBorderShow: false,
              axisCenteredZero: false,
              axisColorMode: 'text',
              axisLabel: '',
              axisPlacement: 'auto',
              barAlignment: 0,
              drawStyle: 'line',
              fillOpacity: 10,
              gradientMode: 'none',
              hideFrom: {
                legend: false,
                tooltip: false,
                viz: false,
              },
              insertNulls: false,
              lineInterpolation: 'linear',
              lineWidth: 1,
              pointSize: 5,
              scaleDistribution: {
                type: 'linear',
              },
              showPoints: 'never',
              spanNulls: false,
              stacking: {
                group: 'A',
                mode: 'none',
              },
              thresholdsStyle: {
                mode: 'dashed',
              },
            },
            decimals: 1,
            mappings: [],
            max: 100,
            min: 0,
            thresholds: {
              mode: 'absolute',
              steps: [
                {
                  color: 'green',
                  value: null,
                },
                {
                  color: 'orange',
                  value: 70,
                },
                {
                  color: 'red',
                  value: c.fillPagePercent,
                },
              ],
            },
            unit: 'percent',
          },
          overrides: [],
        },
        gridPos: {
          h: 8,
          w: 6,
          x: 10,
          y: 4,
        },
        id: 4,
        links: [
          {
            targetBlank: true,
            title: 'Runbook: ConntrackTableNearlyFull (docs/runbooks/ConntrackTableNearlyFull.md)',
            url: runbook('ConntrackTableNearlyFull'),
          },
        ],
        options: {
          legend: {
            calcs: [
              'lastNotNull',
              'max',
            ],
            displayMode: 'table',
            placement: 'bottom',
            showLegend: true,
          },
          tooltip: {
            mode: 'multi',
            sort: 'desc',
          },
        },
        pluginVersion: '10.4.0',
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            editorMode: 'code',
            expr: '100 * collectd_ctwatch_conntrack{instance="$instance", ctwatch=~"$namespace", type="entries"} / ignoring(type) (collectd_ctwatch_conntrack{instance="$instance", ctwatch=~"$namespace", type="max"} > 0)',
            instant: false,
            legendFormat: '{{ctwatch}}',
            range: true,
            refId: 'A',
          },
        ],
        title: 'Table fill over time',
        type: 'timeseries',
      },
      {
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        description: "Conntrack entries (solid), the peak ctwatch's fast sampler saw between two collectd reads (dotted: a spike between reads shows here), nf_conntrack_max (red dashed) and " + c.fillPagePercentText + ' % of it (orange dotted, the paging threshold). nf_conntrack_max is global: every namespace has its own count but the same limit. Runbook: docs/runbooks/ConntrackTableNearlyFull.md Purple: the recommended nf_conntrack_max (ctwatch(1) SIZING: the last day\'s peak x2, rounded up to 16384); the info alert ConntrackMaxBelowRecommended fires while it is above max for 1h.',
        fieldConfig: {
          defaults: {
            color: {
              mode: 'palette-classic',
            },
            custom: {
              axisBorderShow: false,
              axisCenteredZero: false,
              axisColorMode: 'text',
              axisLabel: '',
              axisPlacement: 'auto',
              barAlignment: 0,
              drawStyle: 'line',
              fillOpacity: 10,
              gradientMode: 'none',
              hideFrom: {
                legend: false,
                tooltip: false,
                viz: false,
              },
              insertNulls: false,
              lineInterpolation: 'linear',
              lineWidth: 1,
              pointSize: 5,
              scaleDistribution: {
                type: 'linear',
              },
              showPoints: 'never',
              spanNulls: false,
              stacking: {
                group: 'A',
                mode: 'none',
              },
              thresholdsStyle: {
                mode: 'off',
              },
            },
            mappings: [],
            min: 0,
            thresholds: {
              mode: 'absolute',
              steps: [
                {
                  color: 'green',
                  value: null,
                },
              ],
            },
            unit: 'short',
          },
          overrides: [
            {
              matcher: {
                id: 'byRegexp',
                options: '.* max$',
              },
              properties: [
                {
                  id: 'color',
                  value: {
                    fixedColor: 'red',
                    mode: 'fixed',
                  },
                },
                {
                  id: 'custom.lineStyle',
                  value: {
                    dash: [
                      10,
                      10,
                    ],
                    fill: 'dash',
                  },
                },
                {
                  id: 'custom.fillOpacity',
                  value: 0,
                },
              ],
            },
            {
              matcher: {
                id: 'byRegexp',
                options: '.*' + c.fillPagePercentText + ' % of max.*',
              },
              properties: [
                {
                  id: 'color',
                  value: {
                    fixedColor: 'orange',
                    mode: 'fixed',
                  },
                },
                {
                  id: 'custom.lineStyle',
                  value: {
                    dash: [
                      0,
                      10,
                    ],
                    fill: 'dot',
                  },
                },
                {
                  id: 'custom.fillOpacity',
                  value: 0,
                },
              ],
            },
            {
              matcher: {
                id: 'byRegexp',
                options: '.* peak$',
              },
              properties: [
                {
                  id: 'custom.lineStyle',
                  value: {
                    dash: [
                      2,
                      4,
                    ],
                    fill: 'dot',
                  },
                },
                {
                  id: 'custom.fillOpacity',
                  value: 0,
                },
              ],
            },
            {
              "matcher": {
                "id": "byRegexp",
                "options": ".*recommended.*"
              },
              "properties": [
                {
                  "id": "color",
                  "value": {
                    "fixedColor": "purple",
                    "mode": "fixed"
                  }
                },
                {
                  "id": "custom.lineStyle",
                  "value": {
                    "dash": [
                      4,
                      4
                    ],
                    "fill": "dash"
                  }
                },
                {
                  "id": "custom.fillOpacity",
                  "value": 0
                }
              ]
            },
          ],
        },
        gridPos: {
          h: 8,
          w: 8,
          x: 16,
          y: 4,
        },
        id: 5,
        links: [
          {
            targetBlank: true,
            title: 'Runbook: ConntrackTableNearlyFull (docs/runbooks/ConntrackTableNearlyFull.md)',
            url: runbook('ConntrackTableNearlyFull'),
          },
        ],
        options: {
          legend: {
            calcs: [
              'lastNotNull',
              'max',
            ],
            displayMode: 'table',
            placement: 'bottom',
            showLegend: true,
          },
          tooltip: {
            mode: 'multi',
            sort: 'desc',
          },
        },
        pluginVersion: '10.4.0',
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            editorMode: 'code',
            expr: 'collectd_ctwatch_conntrack{instance="$instance", ctwatch=~"$namespace", type=~"entries|max|peak"}',
            instant: false,
            legendFormat: '{{ctwatch}} {{type}}',
            range: true,
            refId: 'A',
          },
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            editorMode: 'code',
            expr: c.fillPageRatioText + ' * collectd_ctwatch_conntrack{instance="$instance", ctwatch=~"$namespace", type="max"}',
            instant: false,
            legendFormat: '{{ctwatch}} ' + c.fillPagePercentText + ' % of max (pages)',
            range: true,
            refId: 'B',
          },
          {
            "datasource": {
              "type": "prometheus",
              "uid": "${datasource}"
            },
            "editorMode": "code",
            "expr": "ceil(max by (instance, ctwatch) (max_over_time(collectd_ctwatch_conntrack{instance=\"$instance\", ctwatch=~\"$namespace\", type=~\"peak|entries\"}[1d])) * 2 / 16384) * 16384",
            "instant": false,
            "legendFormat": "{{ctwatch}} recommended (x2 the need)",
            "range": true,
            "refId": "C"
          },
        ],
        title: 'Entries vs nf_conntrack_max',
        type: 'timeseries',
      },
      {
        collapsed: false,
        gridPos: {
          h: 1,
          w: 24,
          x: 0,
          y: 12,
        },
        id: 6,
        panels: [],
        title: 'Are connections failing?  (any non-zero drop / insert_failed is an outage)',
        type: 'row',
      },
      {
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        description: "Increase of the kernel's drop and insert_failed counters over the selected time range. Anything but 0 (red) means new connections failed silently: clients see SYNs that are never answered. The ConntrackPacketsDropped alert fires on any increase within 5 minutes. Runbook: docs/runbooks/ConntrackPacketsDropped.md",
        fieldConfig: {
          defaults: {
            color: {
              mode: 'thresholds',
            },
            mappings: [],
            noValue: 'no data: is ctwatch running?',
            thresholds: {
              mode: 'absolute',
              steps: [
                {
                  color: 'green',
                  value: null,
                },
                {
                  color: 'red',
                  value: 1e-06,
                },
              ],
            },
            unit: 'short',
          },
          overrides: [],
        },
        gridPos: {
          h: 8,
          w: 6,
          x: 0,
          y: 13,
        },
        id: 7,
        links: [
          {
            targetBlank: true,
            title: 'Runbook: ConntrackPacketsDropped (docs/runbooks/ConntrackPacketsDropped.md)',
            url: runbook('ConntrackPacketsDropped'),
          },
        ],
        options: {
          colorMode: 'background',
          graphMode: 'none',
          justifyMode: 'auto',
          orientation: 'auto',
          reduceOptions: {
            calcs: [
              'lastNotNull',
            ],
            fields: '',
            values: false,
          },
          showPercentChange: false,
          textMode: 'value_and_name',
          wideLayout: true,
        },
        pluginVersion: '10.4.0',
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            editorMode: 'code',
            expr: 'sum by (ctwatch, type) (increase(collectd_ctwatch_errors_total{instance="$instance", ctwatch=~"$namespace", type=~"drop|insert_failed"}[$__range]))',
            instant: true,
            legendFormat: '{{ctwatch}} {{type}}',
            range: false,
            refId: 'A',
          },
        ],
        title: 'Packets dropped in the time range (drop + insert_failed)',
        type: 'stat',
      },
      {
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        description: 'Increase of the early_drop counter over the selected time range: the table reached nf_conntrack_max and the kernel evicted unreplied/half-open entries to make room. Nothing was dropped yet, but packet drops are next. Orange when not 0 (alert ConntrackEarlyDrops). Runbook: docs/runbooks/ConntrackEarlyDrops.md',
        fieldConfig: {
          defaults: {
            color: {
              mode: 'thresholds',
            },
            mappings: [],
            noValue: 'no data: is ctwatch running?',
            thresholds: {
              mode: 'absolute',
              steps: [
                {
                  color: 'green',
                  value: null,
                },
                {
                  color: 'orange',
                  value: 1e-06,
                },
              ],
            },
            unit: 'short',
          },
          overrides: [],
        },
        gridPos: {
          h: 8,
          w: 6,
          x: 6,
          y: 13,
        },
        id: 8,
        links: [
          {
            targetBlank: true,
            title: 'Runbook: ConntrackEarlyDrops (docs/runbooks/ConntrackEarlyDrops.md)',
            url: runbook('ConntrackEarlyDrops'),
          },
        ],
        options: {
          colorMode: 'background',
          graphMode: 'none',
          justifyMode: 'auto',
          orientation: 'auto',
          reduceOptions: {
            calcs: [
              'lastNotNull',
            ],
            fields: '',
            values: false,
          },
          showPercentChange: false,
          textMode: 'value_and_name',
          wideLayout: true,
        },
        pluginVersion: '10.4.0',
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            editorMode: 'code',
            expr: 'sum by (ctwatch) (increase(collectd_ctwatch_errors_total{instance="$instance", ctwatch=~"$namespace", type="early_drop"}[$__range]))',
            instant: true,
            legendFormat: '{{ctwatch}} early_drop',
            range: false,
            refId: 'A',
          },
        ],
        title: 'Early drops in the time range (table was full)',
        type: 'stat',
      },
      {
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        description: 'Rate of the kernel counters that mean lost or evicted connections, per namespace. The whole graph turns red above 0: drop and insert_failed are packets that were lost (ConntrackPacketsDropped), early_drop are entries evicted from a full table (ConntrackEarlyDrops). Runbooks: docs/runbooks/ConntrackPacketsDropped.md, docs/runbooks/ConntrackEarlyDrops.md',
        fieldConfig: {
          defaults: {
            color: {
              mode: 'palette-classic',
            },
            custom: {
              axisBorderShow: false,
              axisCenteredZero: false,
              axisColorMode: 'text',
              axisLabel: '',
              axisPlacement: 'auto',
              barAlignment: 0,
              drawStyle: 'line',
              fillOpacity: 10,
              gradientMode: 'none',
              hideFrom: {
                legend: false,
                tooltip: false,
                viz: false,
              },
              insertNulls: false,
              lineInterpolation: 'linear',
              lineWidth: 1,
              pointSize: 5,
              scaleDistribution: {
                type: 'linear',
              },
              showPoints: 'never',
              spanNulls: false,
              stacking: {
                group: 'A',
                mode: 'none',
              },
              thresholdsStyle: {
                mode: 'area',
              },
            },
            mappings: [],
            min: 0,
            thresholds: {
              mode: 'absolute',
              steps: [
                {
                  color: 'transparent',
                  value: null,
                },
                {
                  color: 'red',
                  value: 1e-06,
                },
              ],
            },
            unit: 'suffix:/s',
          },
          overrides: [
            {
              matcher: {
                id: 'byRegexp',
                options: '.* drop$',
              },
              properties: [
                {
                  id: 'color',
                  value: {
                    fixedColor: 'red',
                    mode: 'fixed',
                  },
                },
                {
                  id: 'custom.lineWidth',
                  value: 2,
                },
              ],
            },
            {
              matcher: {
                id: 'byRegexp',
                options: '.* insert_failed$',
              },
              properties: [
                {
                  id: 'color',
                  value: {
                    fixedColor: 'dark-red',
                    mode: 'fixed',
                  },
                },
                {
                  id: 'custom.lineWidth',
                  value: 2,
                },
              ],
            },
            {
              matcher: {
                id: 'byRegexp',
                options: '.* early_drop$',
              },
              properties: [
                {
                  id: 'color',
                  value: {
                    fixedColor: 'orange',
                    mode: 'fixed',
                  },
                },
              ],
            },
          ],
        },
        gridPos: {
          h: 8,
          w: 12,
          x: 12,
          y: 13,
        },
        id: 9,
        links: [
          {
            targetBlank: true,
            title: 'Runbook: ConntrackPacketsDropped (docs/runbooks/ConntrackPacketsDropped.md)',
            url: runbook('ConntrackPacketsDropped'),
          },
          {
            targetBlank: true,
            title: 'Runbook: ConntrackEarlyDrops (docs/runbooks/ConntrackEarlyDrops.md)',
            url: runbook('ConntrackEarlyDrops'),
          },
        ],
        options: {
          legend: {
            calcs: [
              'lastNotNull',
              'max',
            ],
            displayMode: 'table',
            placement: 'bottom',
            showLegend: true,
          },
          tooltip: {
            mode: 'multi',
            sort: 'desc',
          },
        },
        pluginVersion: '10.4.0',
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            editorMode: 'code',
            expr: 'sum by (ctwatch, type) (rate(collectd_ctwatch_errors_total{instance="$instance", ctwatch=~"$namespace", type=~"drop|insert_failed|early_drop"}[$__rate_interval]))',
            instant: false,
            legendFormat: '{{ctwatch}} {{type}}',
            range: true,
            refId: 'A',
          },
        ],
        title: 'drop / insert_failed / early_drop per second',
        type: 'timeseries',
      },
      {
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        description: 'The remaining conntrack counters. invalid: packets conntrack could not classify (usually harmless: stray or out-of-window packets). error: ICMP errors that matched no connection. chaintoolong (kernel >= 5.15): a hash chain was too long, consider more nf_conntrack_buckets. clash_resolve / search_restart: races resolved by the kernel. A counter the running kernel does not provide is simply absent.',
        fieldConfig: {
          defaults: {
            color: {
              mode: 'palette-classic',
            },
            custom: {
              axisBorderShow: false,
              axisCenteredZero: false,
              axisColorMode: 'text',
              axisLabel: '',
              axisPlacement: 'auto',
              barAlignment: 0,
              drawStyle: 'line',
              fillOpacity: 10,
              gradientMode: 'none',
              hideFrom: {
                legend: false,
                tooltip: false,
                viz: false,
              },
              insertNulls: false,
              lineInterpolation: 'linear',
              lineWidth: 1,
              pointSize: 5,
              scaleDistribution: {
                type: 'linear',
              },
              showPoints: 'never',
              spanNulls: false,
              stacking: {
                group: 'A',
                mode: 'none',
              },
              thresholdsStyle: {
                mode: 'off',
              },
            },
            mappings: [],
            min: 0,
            thresholds: {
              mode: 'absolute',
              steps: [
                {
                  color: 'green',
                  value: null,
                },
              ],
            },
            unit: 'suffix:/s',
          },
          overrides: [],
        },
        gridPos: {
          h: 7,
          w: 12,
          x: 0,
          y: 21,
        },
        id: 10,
        options: {
          legend: {
            calcs: [
              'lastNotNull',
              'max',
            ],
            displayMode: 'table',
            placement: 'bottom',
            showLegend: true,
          },
          tooltip: {
            mode: 'multi',
            sort: 'desc',
          },
        },
        pluginVersion: '10.4.0',
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            editorMode: 'code',
            expr: 'sum by (ctwatch, type) (rate(collectd_ctwatch_errors_total{instance="$instance", ctwatch=~"$namespace", type=~"invalid|error|chaintoolong"}[$__rate_interval]))',
            instant: false,
            legendFormat: '{{ctwatch}} {{type}}',
            range: true,
            refId: 'A',
          },
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            editorMode: 'code',
            expr: 'sum by (ctwatch, type) (rate(collectd_ctwatch_operations_total{instance="$instance", ctwatch=~"$namespace"}[$__rate_interval]))',
            instant: false,
            legendFormat: '{{ctwatch}} {{type}}',
            range: true,
            refId: 'B',
          },
        ],
        title: 'Other kernel counters per second (informational)',
        type: 'timeseries',
      },
      {
        collapsed: false,
        gridPos: {
          h: 1,
          w: 24,
          x: 0,
          y: 28,
        },
        id: 11,
        panels: [],
        title: 'Why is it filling?  Census by TCP state and protocol (TIME_WAIT in red)',
        type: 'row',
      },
      {
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        description: 'Conntrack TCP entries by state from the census (one dump of the table every CensusInterval), summed over the selected namespaces; pick one namespace to see its own. A big red band is the incident pattern: a client without connection pooling leaves one TIME_WAIT entry per closed connection for nf_conntrack_tcp_timeout_time_wait. Runbook: docs/runbooks/ConntrackTimeWaitDominant.md',
        fieldConfig: {
          defaults: {
            color: {
              mode: 'palette-classic',
            },
            custom: {
              axisBorderShow: false,
              axisCenteredZero: false,
              axisColorMode: 'text',
              axisLabel: '',
              axisPlacement: 'auto',
              barAlignment: 0,
              drawStyle: 'line',
              fillOpacity: 40,
              gradientMode: 'none',
              hideFrom: {
                legend: false,
                tooltip: false,
                viz: false,
              },
              insertNulls: false,
              lineInterpolation: 'linear',
              lineWidth: 1,
              pointSize: 5,
              scaleDistribution: {
                type: 'linear',
              },
              showPoints: 'never',
              spanNulls: false,
              stacking: {
                group: 'A',
                mode: 'normal',
              },
              thresholdsStyle: {
                mode: 'off',
              },
            },
            mappings: [],
            min: 0,
            thresholds: {
              mode: 'absolute',
              steps: [
                {
                  color: 'green',
                  value: null,
                },
              ],
            },
            unit: 'short',
          },
          overrides: [
            {
              matcher: {
                id: 'byName',
                options: 'TIME_WAIT',
              },
              properties: [
                {
                  id: 'color',
                  value: {
                    fixedColor: 'red',
                    mode: 'fixed',
                  },
                },
                {
                  id: 'custom.fillOpacity',
                  value: 90,
                },
                {
                  id: 'custom.lineWidth',
                  value: 2,
                },
              ],
            },
            {
              matcher: {
                id: 'byName',
                options: 'ESTABLISHED',
              },
              properties: [
                {
                  id: 'color',
                  value: {
                    fixedColor: 'green',
                    mode: 'fixed',
                  },
                },
              ],
            },
            {
              matcher: {
                id: 'byName',
                options: 'SYN_SENT',
              },
              properties: [
                {
                  id: 'color',
                  value: {
                    fixedColor: 'yellow',
                    mode: 'fixed',
                  },
                },
              ],
            },
            {
              matcher: {
                id: 'byName',
                options: 'SYN_RECV',
              },
              properties: [
                {
                  id: 'color',
                  value: {
                    fixedColor: 'light-yellow',
                    mode: 'fixed',
                  },
                },
              ],
            },
            {
              matcher: {
                id: 'byName',
                options: 'SYN_SENT2',
              },
              properties: [
                {
                  id: 'color',
                  value: {
                    fixedColor: 'super-light-yellow',
                    mode: 'fixed',
                  },
                },
              ],
            },
            {
              matcher: {
                id: 'byName',
                options: 'FIN_WAIT',
              },
              properties: [
                {
                  id: 'color',
                  value: {
                    fixedColor: 'blue',
                    mode: 'fixed',
                  },
                },
              ],
            },
            {
              matcher: {
                id: 'byName',
                options: 'CLOSE_WAIT',
              },
              properties: [
                {
                  id: 'color',
                  value: {
                    fixedColor: 'light-blue',
                    mode: 'fixed',
                  },
                },
              ],
            },
            {
              matcher: {
                id: 'byName',
                options: 'LAST_ACK',
              },
              properties: [
                {
                  id: 'color',
                  value: {
                    fixedColor: 'purple',
                    mode: 'fixed',
                  },
                },
              ],
            },
            {
              matcher: {
                id: 'byName',
                options: 'CLOSE',
              },
              properties: [
                {
                  id: 'color',
                  value: {
                    fixedColor: 'light-purple',
                    mode: 'fixed',
                  },
                },
              ],
            },
            {
              matcher: {
                id: 'byName',
                options: 'NONE',
              },
              properties: [
                {
                  id: 'color',
                  value: {
                    fixedColor: 'text',
                    mode: 'fixed',
                  },
                },
              ],
            },
          ],
        },
        gridPos: {
          h: 9,
          w: 12,
          x: 0,
          y: 29,
        },
        id: 12,
        links: [
          {
            targetBlank: true,
            title: 'Runbook: ConntrackTimeWaitDominant (docs/runbooks/ConntrackTimeWaitDominant.md)',
            url: runbook('ConntrackTimeWaitDominant'),
          },
        ],
        options: {
          legend: {
            calcs: [
              'lastNotNull',
              'max',
            ],
            displayMode: 'table',
            placement: 'bottom',
            showLegend: true,
          },
          tooltip: {
            mode: 'multi',
            sort: 'desc',
          },
        },
        pluginVersion: '10.4.0',
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            editorMode: 'code',
            expr: 'sum by (type) (collectd_ctwatch_tcp_connections{instance="$instance", ctwatch=~"$namespace"})',
            instant: false,
            legendFormat: '{{type}}',
            range: true,
            refId: 'A',
          },
        ],
        title: 'TCP entries by state (TIME_WAIT in red)',
        type: 'timeseries',
      },
      {
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        description: 'TIME_WAIT entries / all entries per namespace (census over the entries gauge, clamped to 100 %, as in the ConntrackTimeWaitDominant alert, which warns at >= 50 % while the table is >= 50 % full). A high share on a nearly empty table is harmless. Runbooks: docs/runbooks/ConntrackTimeWaitDominant.md, docs/runbooks/ConntrackTimeWaitTimeoutLong.md',
        fieldConfig: {
          defaults: {
            color: {
              mode: 'palette-classic',
            },
            custom: {
              axisBorderShow: false,
              axisCenteredZero: false,
              axisColorMode: 'text',
              axisLabel: '',
              axisPlacement: 'auto',
              barAlignment: 0,
              drawStyle: 'line',
              fillOpacity: 10,
              gradientMode: 'none',
              hideFrom: {
                legend: false,
                tooltip: false,
                viz: false,
              },
              insertNulls: false,
              lineInterpolation: 'linear',
              lineWidth: 1,
              pointSize: 5,
              scaleDistribution: {
                type: 'linear',
              },
              showPoints: 'never',
              spanNulls: false,
              stacking: {
                group: 'A',
                mode: 'none',
              },
              thresholdsStyle: {
                mode: 'dashed',
              },
            },
            mappings: [],
            max: 1,
            min: 0,
            thresholds: {
              mode: 'absolute',
              steps: [
                {
                  color: 'green',
                  value: null,
                },
                {
                  color: 'orange',
                  value: 0.5,
                },
              ],
            },
            unit: 'percentunit',
          },
          overrides: [],
        },
        gridPos: {
          h: 9,
          w: 6,
          x: 12,
          y: 29,
        },
        id: 13,
        links: [
          {
            targetBlank: true,
            title: 'Runbook: ConntrackTimeWaitDominant (docs/runbooks/ConntrackTimeWaitDominant.md)',
            url: runbook('ConntrackTimeWaitDominant'),
          },
        ],
        options: {
          legend: {
            calcs: [
              'lastNotNull',
              'max',
            ],
            displayMode: 'table',
            placement: 'bottom',
            showLegend: true,
          },
          tooltip: {
            mode: 'multi',
            sort: 'desc',
          },
        },
        pluginVersion: '10.4.0',
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            editorMode: 'code',
            expr: 'clamp_max(last_over_time(collectd_ctwatch_tcp_connections{instance="$instance", ctwatch=~"$namespace", type="TIME_WAIT"}[10m]) / ignoring(type) (collectd_ctwatch_conntrack{instance="$instance", ctwatch=~"$namespace", type="entries"} > 0), 1)',
            instant: false,
            legendFormat: '{{ctwatch}}',
            range: true,
            refId: 'A',
          },
        ],
        title: 'TIME_WAIT share of entries',
        type: 'timeseries',
      },
      {
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        description: 'Conntrack entries by L4 protocol from the census, summed over the selected namespaces. A UDP-heavy table points at DNS or other connectionless chatter (nf_conntrack_udp_timeout / udp_timeout_stream in the tuning row).',
        fieldConfig: {
          defaults: {
            color: {
              mode: 'palette-classic',
            },
            custom: {
              axisBorderShow: false,
              axisCenteredZero: false,
              axisColorMode: 'text',
              axisLabel: '',
              axisPlacement: 'auto',
              barAlignment: 0,
              drawStyle: 'line',
              fillOpacity: 40,
              gradientMode: 'none',
              hideFrom: {
                legend: false,
                tooltip: false,
                viz: false,
              },
              insertNulls: false,
              lineInterpolation: 'linear',
              lineWidth: 1,
              pointSize: 5,
              scaleDistribution: {
                type: 'linear',
              },
              showPoints: 'never',
              spanNulls: false,
              stacking: {
                group: 'A',
                mode: 'normal',
              },
              thresholdsStyle: {
                mode: 'off',
              },
            },
            mappings: [],
            min: 0,
            thresholds: {
              mode: 'absolute',
              steps: [
                {
                  color: 'green',
                  value: null,
                },
              ],
            },
            unit: 'short',
          },
          overrides: [],
        },
        gridPos: {
          h: 9,
          w: 6,
          x: 18,
          y: 29,
        },
        id: 14,
        options: {
          legend: {
            calcs: [
              'lastNotNull',
            ],
            displayMode: 'table',
            placement: 'bottom',
            showLegend: true,
          },
          tooltip: {
            mode: 'multi',
            sort: 'desc',
          },
        },
        pluginVersion: '10.4.0',
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            editorMode: 'code',
            expr: 'sum by (type) (collectd_ctwatch_current_connections{instance="$instance", ctwatch=~"$namespace"})',
            instant: false,
            legendFormat: '{{type}}',
            range: true,
            refId: 'A',
          },
        ],
        title: 'Entries by protocol',
        type: 'timeseries',
      },
      {
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        description: 'The original-direction source addresses holding the most conntrack entries (plugin option TopPeers, default 5, from the census). A single dominant source is the chatty client of the incident: check it for missing connection pooling.',
        fieldConfig: {
          defaults: {
            color: {
              mode: 'thresholds',
            },
            min: 0,
            thresholds: {
              mode: 'absolute',
              steps: [
                {
                  color: 'blue',
                  value: null,
                },
              ],
            },
            unit: 'short',
          },
          overrides: [],
        },
        gridPos: {
          h: 9,
          w: 12,
          x: 0,
          y: 38,
        },
        id: 25,
        options: {
          displayMode: 'basic',
          orientation: 'horizontal',
          reduceOptions: {
            calcs: [
              'lastNotNull',
            ],
            fields: '',
            values: false,
          },
          showUnfilled: true,
        },
        pluginVersion: '10.4.0',
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            editorMode: 'code',
            expr: 'sort_desc(collectd_ctwatch_flow{instance="$instance", ctwatch=~"$namespace", type=~"src-.*"})',
            instant: true,
            legendFormat: '{{ctwatch}} {{type}}',
            range: false,
            refId: 'A',
          },
        ],
        title: 'Who fills the table: top sources (entries held)',
        type: 'bargauge',
      },
      {
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        description: 'The original-direction destination address:port pairs holding the most entries (TopPeers). A dominant service port with mostly TIME_WAIT entries means many short connections to it.',
        fieldConfig: {
          defaults: {
            color: {
              mode: 'thresholds',
            },
            min: 0,
            thresholds: {
              mode: 'absolute',
              steps: [
                {
                  color: 'blue',
                  value: null,
                },
              ],
            },
            unit: 'short',
          },
          overrides: [],
        },
        gridPos: {
          h: 9,
          w: 12,
          x: 12,
          y: 38,
        },
        id: 26,
        options: {
          displayMode: 'basic',
          orientation: 'horizontal',
          reduceOptions: {
            calcs: [
              'lastNotNull',
            ],
            fields: '',
            values: false,
          },
          showUnfilled: true,
        },
        pluginVersion: '10.4.0',
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            editorMode: 'code',
            expr: 'sort_desc(collectd_ctwatch_flow{instance="$instance", ctwatch=~"$namespace", type=~"dst-.*"})',
            instant: true,
            legendFormat: '{{ctwatch}} {{type}}',
            range: false,
            refId: 'A',
          },
        ],
        title: 'Who fills the table: top destinations (address:port)',
        type: 'bargauge',
      },
      {
        collapsed: false,
        gridPos: {
          h: 1,
          w: 24,
          x: 0,
          y: 56,
        },
        id: 15,
        panels: [],
        title: 'Was it tuned?  Orange = kernel default or risky setting',
        type: 'row',
      },
      {
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        description: "The table's size limit (global for all namespaces; writable only in the initial namespace). Orange: 262144, the largest kernel default (buckets-based default on a big host): the table was probably never sized for this host. Smaller hosts have smaller defaults (max = buckets on kernel >= 5.15, 4 x buckets before). Runbook: docs/runbooks/ConntrackMaxNotTuned.md",
        fieldConfig: {
          defaults: {
            color: {
              mode: 'thresholds',
            },
            decimals: 0,
            mappings: [
              {
                options: {
                  '262144': {
                    color: 'orange',
                    index: 0,
                    text: '262144 (kernel default)',
                  },
                },
                type: 'value',
              },
            ],
            thresholds: {
              mode: 'absolute',
              steps: [
                {
                  color: 'green',
                  value: null,
                },
              ],
            },
            unit: 'short',
          },
          overrides: [],
        },
        gridPos: {
          h: 5,
          w: 5,
          x: 0,
          y: 57,
        },
        id: 16,
        links: [
          {
            targetBlank: true,
            title: 'Runbook: ConntrackMaxNotTuned (docs/runbooks/ConntrackMaxNotTuned.md)',
            url: runbook('ConntrackMaxNotTuned'),
          },
        ],
        options: {
          colorMode: 'background',
          graphMode: 'none',
          justifyMode: 'auto',
          orientation: 'auto',
          reduceOptions: {
            calcs: [
              'lastNotNull',
            ],
            fields: '',
            values: false,
          },
          showPercentChange: false,
          textMode: 'auto',
          wideLayout: true,
        },
        pluginVersion: '10.4.0',
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            editorMode: 'code',
            expr: 'max(collectd_ctwatch_conntrack{instance="$instance", ctwatch=~"$namespace", type="max"})',
            instant: true,
            legendFormat: 'nf_conntrack_max',
            range: false,
            refId: 'A',
          },
        ],
        title: 'nf_conntrack_max',
        type: 'stat',
      },
      {
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        description: 'Size of the conntrack hash table (global). Kernel >= 5.15 defaults max to 1 x buckets. Long hash chains (counter chaintoolong) mean too few buckets for the entries. Runbook: docs/runbooks/ConntrackMaxNotTuned.md',
        fieldConfig: {
          defaults: {
            color: {
              mode: 'thresholds',
            },
            decimals: 0,
            mappings: [],
            thresholds: {
              mode: 'absolute',
              steps: [
                {
                  color: 'blue',
                  value: null,
                },
              ],
            },
            unit: 'short',
          },
          overrides: [],
        },
        gridPos: {
          h: 5,
          w: 4,
          x: 5,
          y: 57,
        },
        id: 17,
        links: [
          {
            targetBlank: true,
            title: 'Runbook: ConntrackMaxNotTuned (docs/runbooks/ConntrackMaxNotTuned.md)',
            url: runbook('ConntrackMaxNotTuned'),
          },
        ],
        options: {
          colorMode: 'value',
          graphMode: 'none',
          justifyMode: 'auto',
          orientation: 'auto',
          reduceOptions: {
            calcs: [
              'lastNotNull',
            ],
            fields: '',
            values: false,
          },
          showPercentChange: false,
          textMode: 'auto',
          wideLayout: true,
        },
        pluginVersion: '10.4.0',
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            editorMode: 'code',
            expr: 'max(collectd_ctwatch_conntrack{instance="$instance", ctwatch=~"$namespace", type="buckets"})',
            instant: true,
            legendFormat: 'nf_conntrack_buckets',
            range: false,
            refId: 'A',
          },
        ],
        title: 'nf_conntrack_buckets',
        type: 'stat',
      },
      {
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        description: 'How long a closed TCP connection keeps its conntrack entry, per namespace. Orange above 60 s (the kernel default is 120 s; 30-60 s is usually enough). Alert ConntrackTimeWaitTimeoutLong when TIME_WAIT also dominates. Runbook: docs/runbooks/ConntrackTimeWaitTimeoutLong.md',
        fieldConfig: {
          defaults: {
            color: {
              mode: 'thresholds',
            },
            mappings: [
              {
                options: {
                  '120': {
                    color: 'orange',
                    index: 0,
                    text: '120 s (kernel default)',
                  },
                },
                type: 'value',
              },
            ],
            thresholds: {
              mode: 'absolute',
              steps: [
                {
                  color: 'green',
                  value: null,
                },
                {
                  color: 'orange',
                  value: 61,
                },
              ],
            },
            unit: 's',
          },
          overrides: [],
        },
        gridPos: {
          h: 5,
          w: 5,
          x: 9,
          y: 57,
        },
        id: 18,
        links: [
          {
            targetBlank: true,
            title: 'Runbook: ConntrackTimeWaitTimeoutLong (docs/runbooks/ConntrackTimeWaitTimeoutLong.md)',
            url: runbook('ConntrackTimeWaitTimeoutLong'),
          },
        ],
        options: {
          colorMode: 'background',
          graphMode: 'none',
          justifyMode: 'auto',
          orientation: 'auto',
          reduceOptions: {
            calcs: [
              'lastNotNull',
            ],
            fields: '',
            values: false,
          },
          showPercentChange: false,
          textMode: 'auto',
          wideLayout: true,
        },
        pluginVersion: '10.4.0',
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            editorMode: 'code',
            expr: 'collectd_ctwatch_duration_seconds{instance="$instance", ctwatch=~"$namespace", type="tcp_timeout_time_wait"}',
            instant: true,
            legendFormat: '{{ctwatch}}',
            range: false,
            refId: 'A',
          },
        ],
        title: 'nf_conntrack_tcp_timeout_time_wait',
        type: 'stat',
      },
      {
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        description: 'Per namespace. 2 (default) = reuse TIME_WAIT ports for loopback only; 0 = never; 1 (orange) = for all outgoing connections, which lets a chatty client open connections faster and fill conntrack tables here and on every stateful hop. Alert ConntrackTcpTwReuseEnabled. Runbook: docs/runbooks/ConntrackTcpTwReuseEnabled.md',
        fieldConfig: {
          defaults: {
            color: {
              mode: 'thresholds',
            },
            mappings: [
              {
                options: {
                  '0': {
                    color: 'green',
                    index: 0,
                    text: '0 (off)',
                  },
                  '1': {
                    color: 'orange',
                    index: 1,
                    text: '1 (on for all): review',
                  },
                  '2': {
                    color: 'green',
                    index: 2,
                    text: '2 (loopback only, default)',
                  },
                },
                type: 'value',
              },
            ],
            thresholds: {
              mode: 'absolute',
              steps: [
                {
                  color: 'green',
                  value: null,
                },
              ],
            },
            unit: 'short',
          },
          overrides: [],
        },
        gridPos: {
          h: 5,
          w: 5,
          x: 14,
          y: 57,
        },
        id: 19,
        links: [
          {
            targetBlank: true,
            title: 'Runbook: ConntrackTcpTwReuseEnabled (docs/runbooks/ConntrackTcpTwReuseEnabled.md)',
            url: runbook('ConntrackTcpTwReuseEnabled'),
          },
        ],
        options: {
          colorMode: 'background',
          graphMode: 'none',
          justifyMode: 'auto',
          orientation: 'auto',
          reduceOptions: {
            calcs: [
              'lastNotNull',
            ],
            fields: '',
            values: false,
          },
          showPercentChange: false,
          textMode: 'auto',
          wideLayout: true,
        },
        pluginVersion: '10.4.0',
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            editorMode: 'code',
            expr: 'collectd_ctwatch_gauge{instance="$instance", ctwatch=~"$namespace", type="tcp_tw_reuse"}',
            instant: true,
            legendFormat: '{{ctwatch}}',
            range: false,
            refId: 'A',
          },
        ],
        title: 'net.ipv4.tcp_tw_reuse',
        type: 'stat',
      },
      {
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        description: 'nf_conntrack_tcp_timeout_established (default 432000 s = 5 days), nf_conntrack_udp_timeout and nf_conntrack_udp_timeout_stream, per namespace. Informational: long timeouts keep idle entries in the table.',
        fieldConfig: {
          defaults: {
            color: {
              mode: 'thresholds',
            },
            mappings: [],
            thresholds: {
              mode: 'absolute',
              steps: [
                {
                  color: 'blue',
                  value: null,
                },
              ],
            },
            unit: 's',
          },
          overrides: [],
        },
        gridPos: {
          h: 5,
          w: 5,
          x: 19,
          y: 57,
        },
        id: 20,
        options: {
          colorMode: 'value',
          graphMode: 'none',
          justifyMode: 'auto',
          orientation: 'auto',
          reduceOptions: {
            calcs: [
              'lastNotNull',
            ],
            fields: '',
            values: false,
          },
          showPercentChange: false,
          textMode: 'value_and_name',
          wideLayout: true,
        },
        pluginVersion: '10.4.0',
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            editorMode: 'code',
            expr: 'collectd_ctwatch_duration_seconds{instance="$instance", ctwatch=~"$namespace", type=~"tcp_timeout_established|udp_timeout|udp_timeout_stream"}',
            instant: true,
            legendFormat: '{{ctwatch}} {{type}}',
            range: false,
            refId: 'A',
          },
        ],
        title: 'Other conntrack timeouts',
        type: 'stat',
      },
      {
        collapsed: false,
        gridPos: {
          h: 1,
          w: 24,
          x: 0,
          y: 62,
        },
        id: 21,
        panels: [],
        title: 'Trend and collector health',
        type: 'row',
      },
      {
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        description: 'predict_linear over the last hour of entries, 4 hours ahead, divided by nf_conntrack_max: the fit behind the ConntrackTableFillingUp alert (which also needs the table >= 50 % full and growing). Above the red line (100 %) the table is on course to fill within 4 h. Runbook: docs/runbooks/ConntrackTableFillingUp.md',
        fieldConfig: {
          defaults: {
            color: {
              mode: 'palette-classic',
            },
            custom: {
              axisBorderShow: false,
              axisCenteredZero: false,
              axisColorMode: 'text',
              axisLabel: '',
              axisPlacement: 'auto',
              barAlignment: 0,
              drawStyle: 'line',
              fillOpacity: 10,
              gradientMode: 'none',
              hideFrom: {
                legend: false,
                tooltip: false,
                viz: false,
              },
              insertNulls: false,
              lineInterpolation: 'linear',
              lineWidth: 1,
              pointSize: 5,
              scaleDistribution: {
                type: 'linear',
              },
              showPoints: 'never',
              spanNulls: false,
              stacking: {
                group: 'A',
                mode: 'none',
              },
              thresholdsStyle: {
                mode: 'dashed',
              },
            },
            mappings: [],
            min: 0,
            thresholds: {
              mode: 'absolute',
              steps: [
                {
                  color: 'green',
                  value: null,
                },
                {
                  color: 'red',
                  value: 100,
                },
              ],
            },
            unit: 'percent',
          },
          overrides: [],
        },
        gridPos: {
          h: 7,
          w: 10,
          x: 0,
          y: 63,
        },
        id: 22,
        links: [
          {
            targetBlank: true,
            title: 'Runbook: ConntrackTableFillingUp (docs/runbooks/ConntrackTableFillingUp.md)',
            url: runbook('ConntrackTableFillingUp'),
          },
        ],
        options: {
          legend: {
            calcs: [
              'lastNotNull',
              'max',
            ],
            displayMode: 'table',
            placement: 'bottom',
            showLegend: true,
          },
          tooltip: {
            mode: 'multi',
            sort: 'desc',
          },
        },
        pluginVersion: '10.4.0',
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            editorMode: 'code',
            expr: '100 * predict_linear(collectd_ctwatch_conntrack{instance="$instance", ctwatch=~"$namespace", type="entries"}[1h], 4 * 3600) / ignoring(type) (collectd_ctwatch_conntrack{instance="$instance", ctwatch=~"$namespace", type="max"} > 0)',
            instant: false,
            legendFormat: '{{ctwatch}}',
            range: true,
            refId: 'A',
          },
        ],
        title: 'Predicted fill in 4 h (linear fit over the last hour)',
        type: 'timeseries',
      },
      {
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        description: "Wall time of the last census (one ctnetlink dump of the table) per namespace. It grows with the *host's* table size (about 1.2-1.6 us per entry; a dump in any namespace walks the whole host hash table). ctwatch spaces censuses out to stay within CensusBudget, so a long census means less frequent census updates, not a stuck collector.",
        fieldConfig: {
          defaults: {
            color: {
              mode: 'palette-classic',
            },
            custom: {
              axisBorderShow: false,
              axisCenteredZero: false,
              axisColorMode: 'text',
              axisLabel: '',
              axisPlacement: 'auto',
              barAlignment: 0,
              drawStyle: 'line',
              fillOpacity: 10,
              gradientMode: 'none',
              hideFrom: {
                legend: false,
                tooltip: false,
                viz: false,
              },
              insertNulls: false,
              lineInterpolation: 'linear',
              lineWidth: 1,
              pointSize: 5,
              scaleDistribution: {
                type: 'linear',
              },
              showPoints: 'never',
              spanNulls: false,
              stacking: {
                group: 'A',
                mode: 'none',
              },
              thresholdsStyle: {
                mode: 'off',
              },
            },
            mappings: [],
            min: 0,
            thresholds: {
              mode: 'absolute',
              steps: [
                {
                  color: 'green',
                  value: null,
                },
              ],
            },
            unit: 's',
          },
          overrides: [],
        },
        gridPos: {
          h: 7,
          w: 9,
          x: 10,
          y: 63,
        },
        id: 23,
        options: {
          legend: {
            calcs: [
              'lastNotNull',
              'max',
            ],
            displayMode: 'table',
            placement: 'bottom',
            showLegend: true,
          },
          tooltip: {
            mode: 'multi',
            sort: 'desc',
          },
        },
        pluginVersion: '10.4.0',
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            editorMode: 'code',
            expr: 'collectd_ctwatch_duration_seconds{instance="$instance", ctwatch=~"$namespace", type="census"}',
            instant: false,
            legendFormat: '{{ctwatch}}',
            range: true,
            refId: 'A',
          },
        ],
        title: 'Census duration',
        type: 'timeseries',
      },
      {
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        description: "Seconds since ctwatch last reported the entry count (collectd's own timestamp). Orange after 1 minute, red after 10 minutes: the ConntrackMetricsAbsent alert fires and every other ctwatch alert is blind for this host. Runbook: docs/runbooks/ConntrackMetricsAbsent.md",
        fieldConfig: {
          defaults: {
            color: {
              mode: 'thresholds',
            },
            decimals: 0,
            mappings: [],
            noValue: 'no samples: see ConntrackMetricsAbsent',
            thresholds: {
              mode: 'absolute',
              steps: [
                {
                  color: 'green',
                  value: null,
                },
                {
                  color: 'orange',
                  value: 60,
                },
                {
                  color: 'red',
                  value: 600,
                },
              ],
            },
            unit: 's',
          },
          overrides: [],
        },
        gridPos: {
          h: 7,
          w: 5,
          x: 19,
          y: 63,
        },
        id: 24,
        links: [
          {
            targetBlank: true,
            title: 'Runbook: ConntrackMetricsAbsent (docs/runbooks/ConntrackMetricsAbsent.md)',
            url: runbook('ConntrackMetricsAbsent'),
          },
        ],
        options: {
          colorMode: 'background',
          graphMode: 'none',
          justifyMode: 'auto',
          orientation: 'auto',
          reduceOptions: {
            calcs: [
              'lastNotNull',
            ],
            fields: '',
            values: false,
          },
          showPercentChange: false,
          textMode: 'value_and_name',
          wideLayout: true,
        },
        pluginVersion: '10.4.0',
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            editorMode: 'code',
            expr: 'time() - max by (ctwatch) (timestamp(collectd_ctwatch_conntrack{instance="$instance", ctwatch=~"$namespace", type="entries"}))',
            instant: true,
            legendFormat: '{{ctwatch}}',
            range: false,
            refId: 'A',
          },
        ],
        title: 'Age of the latest sample',
        type: 'stat',
      },
      {
        collapsed: false,
        gridPos: {
          h: 1,
          w: 24,
          x: 0,
          y: 70,
        },
        id: 28,
        panels: [],
        title: 'Monitor health  (is ctwatch itself seeing everything?)',
        type: 'row',
      },
      {
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        description: 'Which source ctwatch reads each namespace with: ctnetlink (everything), or the /proc fallback when ctnetlink is refused (no CAP_NET_ADMIN): counts and counters only, no census, so no TCP states, protocols or top peers. Runbook: docs/runbooks/ConntrackCensusStale.md',
        fieldConfig: {
          defaults: {
            color: {
              mode: 'thresholds',
            },
            mappings: [
              {
                options: {
                  '0': {
                    color: 'orange',
                    index: 0,
                    text: '/proc fallback (no census)',
                  },
                  '1': {
                    color: 'green',
                    index: 1,
                    text: 'ctnetlink',
                  },
                },
                type: 'value',
              },
            ],
            thresholds: {
              mode: 'absolute',
              steps: [
                {
                  color: 'orange',
                  value: null,
                },
                {
                  color: 'green',
                  value: 1,
                },
              ],
            },
            unit: 'none',
          },
          overrides: [],
        },
        gridPos: {
          h: 6,
          w: 6,
          x: 0,
          y: 71,
        },
        id: 29,
        links: [
          {
            targetBlank: true,
            title: 'Runbook: ConntrackCensusStale (docs/runbooks/ConntrackCensusStale.md)',
            url: runbook('ConntrackCensusStale'),
          },
        ],
        options: {
          colorMode: 'background',
          graphMode: 'none',
          justifyMode: 'auto',
          orientation: 'auto',
          reduceOptions: {
            calcs: [
              'lastNotNull',
            ],
            fields: '',
            values: false,
          },
          textMode: 'auto',
        },
        pluginVersion: '10.4.0',
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            editorMode: 'code',
            expr: 'collectd_ctwatch_gauge{instance="$instance", ctwatch=~"$namespace", type="source_netlink"}',
            instant: true,
            legendFormat: '{{ctwatch}}',
            range: false,
            refId: 'A',
          },
        ],
        title: 'Source in use',
        type: 'stat',
      },
      {
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        description: 'Seconds since the census whose values the TCP-state, protocol and top-peer panels show was taken; "never" when none ever succeeded. ConntrackCensusStale warns above ' + c.censusStaleSeconds + ' s. Runbook: docs/runbooks/ConntrackCensusStale.md',
        fieldConfig: {
          defaults: {
            color: {
              mode: 'thresholds',
            },
            decimals: 0,
            mappings: [
              {
                options: {
                  from: 31536000,
                  result: {
                    color: 'red',
                    index: 0,
                    text: 'never',
                  },
                  to: 31536001,
                },
                type: 'range',
              },
            ],
            thresholds: {
              mode: 'absolute',
              steps: [
                {
                  color: 'green',
                  value: null,
                },
                {
                  color: 'orange',
                  value: 300,
                },
                {
                  color: 'red',
                  value: c.censusStaleSeconds,
                },
              ],
            },
            unit: 's',
          },
          overrides: [],
        },
        gridPos: {
          h: 6,
          w: 6,
          x: 6,
          y: 71,
        },
        id: 30,
        links: [
          {
            targetBlank: true,
            title: 'Runbook: ConntrackCensusStale (docs/runbooks/ConntrackCensusStale.md)',
            url: runbook('ConntrackCensusStale'),
          },
        ],
        options: {
          colorMode: 'background',
          graphMode: 'none',
          justifyMode: 'auto',
          orientation: 'auto',
          reduceOptions: {
            calcs: [
              'lastNotNull',
            ],
            fields: '',
            values: false,
          },
          textMode: 'auto',
        },
        pluginVersion: '10.4.0',
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            editorMode: 'code',
            expr: 'clamp_max(collectd_ctwatch_duration_seconds{instance="$instance", ctwatch=~"$namespace", type="census_age"}, 31536000)',
            instant: true,
            legendFormat: '{{ctwatch}}',
            range: false,
            refId: 'A',
          },
        ],
        title: 'Census age',
        type: 'stat',
      },
      {
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        description: "Reads of the namespace that failed, per second (kernel not answering within Timeout, socket errors). collectd's log says why, once, then rarely.",
        fieldConfig: {
          defaults: {
            color: {
              mode: 'palette-classic',
            },
            custom: {
              drawStyle: 'line',
              fillOpacity: 10,
              lineWidth: 1,
              showPoints: 'never',
              spanNulls: false,
            },
            min: 0,
            unit: 'ops',
          },
          overrides: [],
        },
        gridPos: {
          h: 6,
          w: 6,
          x: 12,
          y: 71,
        },
        id: 31,
        options: {
          legend: {
            calcs: [
              'lastNotNull',
              'max',
            ],
            displayMode: 'table',
            placement: 'bottom',
            showLegend: true,
          },
          tooltip: {
            mode: 'multi',
            sort: 'desc',
          },
        },
        pluginVersion: '10.4.0',
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            editorMode: 'code',
            expr: 'rate(collectd_ctwatch_derive_total{instance="$instance", ctwatch=~"$namespace", type="read_failures"}[5m])',
            instant: false,
            legendFormat: '{{ctwatch}}',
            range: true,
            refId: 'A',
          },
        ],
        title: 'Failed reads per second',
        type: 'timeseries',
      },
      {
        "datasource": {
          "type": "prometheus",
          "uid": "${datasource}"
        },
        "description": "Per plugin, for the whole host (not filtered by namespace): namespaces ctwatch read at its last read (the host included), those it knows of but could not read (over MaxNamespaces, out of descriptors, cannot open, reads failing: ConntrackNamespaceUnsampled fires after 5 min), and censuses postponed by CensusBudget per hour.",
        "fieldConfig": {
          "defaults": {
            "color": {
              "mode": "thresholds"
            },
            "thresholds": {
              "mode": "absolute",
              "steps": [
                {
                  "color": "green",
                  "value": null
                }
              ]
            },
            "unit": "short"
          },
          "overrides": [
            {
              "matcher": {
                "id": "byName",
                "options": "not read"
              },
              "properties": [
                {
                  "id": "thresholds",
                  "value": {
                    "mode": "absolute",
                    "steps": [
                      {
                        "color": "green",
                        "value": null
                      },
                      {
                        "color": "orange",
                        "value": 1
                      }
                    ]
                  }
                }
              ]
            }
          ]
        },
        "gridPos": {
          "h": 6,
          "w": 6,
          "x": 18,
          "y": 71
        },
        "id": 32,
        "links": [
          {
            "targetBlank": true,
            "title": "Runbook: ConntrackNamespaceUnsampled (docs/runbooks/ConntrackNamespaceUnsampled.md)",
            "url": runbook('ConntrackNamespaceUnsampled')
          }
        ],
        "options": {
          "colorMode": "background",
          "graphMode": "none",
          "justifyMode": "auto",
          "orientation": "auto",
          "reduceOptions": {
            "calcs": [
              "lastNotNull"
            ],
            "fields": "",
            "values": false
          },
          "textMode": "auto"
        },
        "pluginVersion": "10.4.0",
        "targets": [
          {
            "datasource": {
              "type": "prometheus",
              "uid": "${datasource}"
            },
            "expr": "max(collectd_ctwatch_gauge{instance=\"$instance\", type=\"namespaces_sampled\"})",
            "legendFormat": "read",
            "refId": "A"
          },
          {
            "datasource": {
              "type": "prometheus",
              "uid": "${datasource}"
            },
            "expr": "max(collectd_ctwatch_gauge{instance=\"$instance\", type=\"namespaces_unsampled\"})",
            "legendFormat": "not read",
            "refId": "B"
          },
          {
            "datasource": {
              "type": "prometheus",
              "uid": "${datasource}"
            },
            "expr": "sum(increase(collectd_ctwatch_derive_total{instance=\"$instance\", type=\"censuses_deferred\"}[1h]))",
            "legendFormat": "censuses deferred / h",
            "refId": "C"
          }
        ],
        "title": "Namespaces read / not read, censuses deferred",
        "type": "stat"
      },
      {
        "datasource": {
          "type": "prometheus",
          "uid": "${datasource}"
        },
        "description": "From the census (CTA_STATUS): assured entries (IPS_ASSURED: early drop never evicts them) and unreplied entries (no reply seen, conntrack -L [UNREPLIED]) per protocol. Many unreplied entries: a SYN flood or scan, a dead backend, or an unanswered UDP service (VXLAN, DNS); they are what early drop can evict when the table is full.",
        "fieldConfig": {
          "defaults": {
            "color": {
              "mode": "palette-classic"
            },
            "custom": {
              "axisBorderShow": false,
              "axisCenteredZero": false,
              "axisColorMode": "text",
              "axisLabel": "",
              "axisPlacement": "auto",
              "barAlignment": 0,
              "drawStyle": "line",
              "fillOpacity": 10,
              "gradientMode": "none",
              "hideFrom": {
                "legend": false,
                "tooltip": false,
                "viz": false
              },
              "insertNulls": false,
              "lineInterpolation": "linear",
              "lineWidth": 1,
              "pointSize": 5,
              "scaleDistribution": {
                "type": "linear"
              },
              "showPoints": "never",
              "spanNulls": false,
              "stacking": {
                "group": "A",
                "mode": "none"
              },
              "thresholdsStyle": {
                "mode": "off"
              }
            },
            "mappings": [],
            "min": 0,
            "thresholds": {
              "mode": "absolute",
              "steps": [
                {
                  "color": "green",
                  "value": null
                }
              ]
            },
            "unit": "short"
          },
          "overrides": [
            {
              "matcher": {
                "id": "byRegexp",
                "options": ".*-unreplied$"
              },
              "properties": [
                {
                  "id": "custom.lineStyle",
                  "value": {
                    "dash": [
                      10,
                      10
                    ],
                    "fill": "dash"
                  }
                }
              ]
            }
          ]
        },
        "gridPos": {
          "h": 9,
          "w": 12,
          "x": 0,
          "y": 47
        },
        "id": 33,
        "options": {
          "legend": {
            "calcs": [
              "lastNotNull"
            ],
            "displayMode": "table",
            "placement": "bottom",
            "showLegend": true
          },
          "tooltip": {
            "mode": "multi",
            "sort": "desc"
          }
        },
        "pluginVersion": "10.4.0",
        "targets": [
          {
            "datasource": {
              "type": "prometheus",
              "uid": "${datasource}"
            },
            "editorMode": "code",
            "expr": "sum by (type) (collectd_ctwatch_conntrack{instance=\"$instance\", ctwatch=~\"$namespace\", type=~\".*-(assured|unreplied)\"})",
            "instant": false,
            "legendFormat": "{{type}}",
            "range": true,
            "refId": "A"
          }
        ],
        "title": "Assured and unreplied entries by protocol",
        "type": "timeseries"
      },
      {
        "datasource": {
          "type": "prometheus",
          "uid": "${datasource}"
        },
        "description": "The original-direction sources holding the most unreplied entries (no reply seen), from the census (TopPeers). One dominant source: a scanner, a SYN flood, or a client retrying a dead backend.",
        "fieldConfig": {
          "defaults": {
            "color": {
              "mode": "thresholds"
            },
            "min": 0,
            "thresholds": {
              "mode": "absolute",
              "steps": [
                {
                  "color": "purple",
                  "value": null
                }
              ]
            },
            "unit": "short"
          },
          "overrides": []
        },
        "gridPos": {
          "h": 9,
          "w": 6,
          "x": 12,
          "y": 47
        },
        "id": 34,
        "options": {
          "displayMode": "basic",
          "orientation": "horizontal",
          "reduceOptions": {
            "calcs": [
              "lastNotNull"
            ],
            "fields": "",
            "values": false
          },
          "showUnfilled": true
        },
        "pluginVersion": "10.4.0",
        "targets": [
          {
            "datasource": {
              "type": "prometheus",
              "uid": "${datasource}"
            },
            "editorMode": "code",
            "expr": "sort_desc(collectd_ctwatch_flow{instance=\"$instance\", ctwatch=~\"$namespace\", type=~\"unreplied-src-.*\"})",
            "instant": true,
            "legendFormat": "{{ctwatch}} {{type}}",
            "range": false,
            "refId": "A"
          }
        ],
        "title": "Who holds the unreplied entries: top sources",
        "type": "bargauge"
      },
      {
        "datasource": {
          "type": "prometheus",
          "uid": "${datasource}"
        },
        "description": "The destination address:port pairs with the most unreplied entries: a dead backend, a service that does not answer (UDP), or the target of a flood.",
        "fieldConfig": {
          "defaults": {
            "color": {
              "mode": "thresholds"
            },
            "min": 0,
            "thresholds": {
              "mode": "absolute",
              "steps": [
                {
                  "color": "purple",
                  "value": null
                }
              ]
            },
            "unit": "short"
          },
          "overrides": []
        },
        "gridPos": {
          "h": 9,
          "w": 6,
          "x": 18,
          "y": 47
        },
        "id": 35,
        "options": {
          "displayMode": "basic",
          "orientation": "horizontal",
          "reduceOptions": {
            "calcs": [
              "lastNotNull"
            ],
            "fields": "",
            "values": false
          },
          "showUnfilled": true
        },
        "pluginVersion": "10.4.0",
        "targets": [
          {
            "datasource": {
              "type": "prometheus",
              "uid": "${datasource}"
            },
            "editorMode": "code",
            "expr": "sort_desc(collectd_ctwatch_flow{instance=\"$instance\", ctwatch=~\"$namespace\", type=~\"unreplied-dst-.*\"})",
            "instant": true,
            "legendFormat": "{{ctwatch}} {{type}}",
            "range": false,
            "refId": "A"
          }
        ],
        "title": "Who holds the unreplied entries: top destinations",
        "type": "bargauge"
      },
      {
        "datasource": {
          "type": "prometheus",
          "uid": "${datasource}"
        },
        "description": "Packets dropped per second by cause, in the words of the CLI findings and the alerts: Table full (drop: the table is at nf_conntrack_max and early drop found nothing to evict; ConntrackPacketsDropped), Insert clashes not resolved (insert_failed beyond chaintoolong; ConntrackInsertClashesUnresolved), Hash chains too long (chaintoolong, kernel >= 5.15; ConntrackHashChainsTooLong). A counter the kernel does not have is absent, never 0. Runbook: docs/runbooks/ConntrackPacketsDropped.md",
        "fieldConfig": {
          "defaults": {
            "color": {
              "mode": "palette-classic"
            },
            "custom": {
              "axisBorderShow": false,
              "axisCenteredZero": false,
              "axisColorMode": "text",
              "axisLabel": "",
              "axisPlacement": "auto",
              "barAlignment": 0,
              "drawStyle": "line",
              "fillOpacity": 10,
              "gradientMode": "none",
              "hideFrom": {
                "legend": false,
                "tooltip": false,
                "viz": false
              },
              "insertNulls": false,
              "lineInterpolation": "linear",
              "lineWidth": 1,
              "pointSize": 5,
              "scaleDistribution": {
                "type": "linear"
              },
              "showPoints": "never",
              "spanNulls": false,
              "stacking": {
                "group": "A",
                "mode": "none"
              },
              "thresholdsStyle": {
                "mode": "area"
              }
            },
            "mappings": [],
            "min": 0,
            "thresholds": {
              "mode": "absolute",
              "steps": [
                {
                  "color": "transparent",
                  "value": null
                },
                {
                  "color": "red",
                  "value": 1e-06
                }
              ]
            },
            "unit": "suffix:/s"
          },
          "overrides": []
        },
        "gridPos": {
          "h": 7,
          "w": 12,
          "x": 12,
          "y": 21
        },
        "id": 36,
        "links": [
          {
            "targetBlank": true,
            "title": "Runbook: ConntrackPacketsDropped (docs/runbooks/ConntrackPacketsDropped.md)",
            "url": runbook('ConntrackPacketsDropped')
          },
          {
            "targetBlank": true,
            "title": "Runbook: ConntrackInsertClashesUnresolved (docs/runbooks/ConntrackInsertClashesUnresolved.md)",
            "url": runbook('ConntrackInsertClashesUnresolved')
          },
          {
            "targetBlank": true,
            "title": "Runbook: ConntrackHashChainsTooLong (docs/runbooks/ConntrackHashChainsTooLong.md)",
            "url": runbook('ConntrackHashChainsTooLong')
          }
        ],
        "options": {
          "legend": {
            "calcs": [
              "lastNotNull",
              "max"
            ],
            "displayMode": "table",
            "placement": "bottom",
            "showLegend": true
          },
          "tooltip": {
            "mode": "multi",
            "sort": "desc"
          }
        },
        "pluginVersion": "10.4.0",
        "targets": [
          {
            "datasource": {
              "type": "prometheus",
              "uid": "${datasource}"
            },
            "editorMode": "code",
            "expr": "sum by (ctwatch) (rate(collectd_ctwatch_errors_total{instance=\"$instance\", ctwatch=~\"$namespace\", type=\"drop\"}[$__rate_interval]))",
            "instant": false,
            "legendFormat": "{{ctwatch}} Table full",
            "range": true,
            "refId": "A"
          },
          {
            "datasource": {
              "type": "prometheus",
              "uid": "${datasource}"
            },
            "editorMode": "code",
            "expr": "clamp_min(sum by (ctwatch) (rate(collectd_ctwatch_errors_total{instance=\"$instance\", ctwatch=~\"$namespace\", type=\"insert_failed\"}[$__rate_interval])) - (sum by (ctwatch) (rate(collectd_ctwatch_errors_total{instance=\"$instance\", ctwatch=~\"$namespace\", type=\"chaintoolong\"}[$__rate_interval])) or 0 * sum by (ctwatch) (rate(collectd_ctwatch_errors_total{instance=\"$instance\", ctwatch=~\"$namespace\", type=\"insert_failed\"}[$__rate_interval]))), 0)",
            "instant": false,
            "legendFormat": "{{ctwatch}} Insert clashes not resolved",
            "range": true,
            "refId": "B"
          },
          {
            "datasource": {
              "type": "prometheus",
              "uid": "${datasource}"
            },
            "editorMode": "code",
            "expr": "sum by (ctwatch) (rate(collectd_ctwatch_errors_total{instance=\"$instance\", ctwatch=~\"$namespace\", type=\"chaintoolong\"}[$__rate_interval]))",
            "instant": false,
            "legendFormat": "{{ctwatch}} Hash chains too long",
            "range": true,
            "refId": "C"
          }
        ],
        "title": "Why packets drop: the causes, as ctwatch names them",
        "type": "timeseries"
      },
    ],
    schemaVersion: 39,
    templating: {
      list: [
        {
          current: {},
          description: "The Prometheus that scrapes collectd's write_prometheus (scrape job with honor_labels: true).",
          hide: 0,
          includeAll: false,
          label: 'Data source',
          multi: false,
          name: 'datasource',
          options: [],
          query: 'prometheus',
          refresh: 1,
          regex: '',
          skipUrlSync: false,
          type: 'datasource',
        },
        {
          current: {},
          datasource: {
            type: 'prometheus',
            uid: '${datasource}',
          },
          definition: 'label_values(collectd_ctwatch_conntrack, instance)',
          description: 'collectd Hostname (needs honor_labels: true on the scrape job)',
          hide: 0,
          includeAll: false,
          label: 'Host',
          multi: false,
          name: 'instance',
          options: [],
          query: {
            query: 'label_values(collectd_ctwatch_conntrack, instance)',
            refId: 'PrometheusVariableQueryEditor-VariableQuery',
          },
          refresh: 2,
          regex: '',
          skipUrlSync: false,
          sort: 1,
          type: 'query',
        },
        {
          allValue: '.*',
          current: {
            selected: true,
            text: [
              'All',
            ],
            value: [
              '$__all',
            ],
          },
          datasource: {
            type: 'prometheus',
            uid: '${datasource}',
          },
          definition: 'label_values(collectd_ctwatch_conntrack{instance="$instance"}, ctwatch)',
          description: "Network namespace (ctwatch label): host = collectd's own namespace",
          hide: 0,
          includeAll: true,
          label: 'Namespace',
          multi: true,
          name: 'namespace',
          options: [],
          query: {
            query: 'label_values(collectd_ctwatch_conntrack{instance="$instance"}, ctwatch)',
            refId: 'PrometheusVariableQueryEditor-VariableQuery',
          },
          refresh: 2,
          regex: '',
          skipUrlSync: false,
          sort: 1,
          type: 'query',
        },
      ],
    },
    time: {
      from: 'now-6h',
      to: 'now',
    },
    timepicker: {},
    timezone: 'browser',
    title: 'ctwatch — host',
    uid: 'ctwatch-host',
    version: 1,
    weekStart: '',
  }
