// The fleet dashboard.  Queries are plain PromQL: the mixin adds _config.ctwatchSelector
// (and the cluster matcher) to every collectd_ctwatch_* selector, and the cluster
// label to every `by (...)` when showMultiCluster is on (mixin/lib/util.libsonnet).
// c: the mixin's _config; runbook(name): the runbook URL of an alert.
function(c, runbook)
  {
    annotations: {
      list: [],
    },
    description: 'All hosts running the collectd ctwatch plugin: who is full, who is dropping, who will fill, who is untuned. Runbooks: docs/runbooks/.',
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
          content: 'One row per question, built for 1,000+ hosts (top 20 lists and tables, never a panel per host). **Red counts** are hosts that page: table >= ' + c.fillPagePercentText + ' % full (ConntrackTableNearlyFull) or dropping packets (ConntrackPacketsDropped). Click a host in a list or table to open **ctwatch — host** for it. Runbooks, one per alert: [docs/runbooks/](' + c.runbookIndexURL + "). \"Host\" is collectd's Hostname (the `instance` label, kept by `honor_labels: true`); counts are of hosts, lists are per host and namespace.",
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
        title: 'Fleet at a glance',
        type: 'row',
      },
      {
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        description: 'Hosts (collectd Hostname) with ctwatch metrics in the selected namespaces. Compare with the number of hosts you expect: a host whose collectd never exported ctwatch is not alerted on.',
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
                  color: 'red',
                  value: null,
                },
                {
                  color: 'green',
                  value: 1,
                },
              ],
            },
            unit: 'short',
          },
          overrides: [],
        },
        gridPos: {
          h: 5,
          w: 3,
          x: 0,
          y: 4,
        },
        id: 3,
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
          textMode: 'value',
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
            expr: 'count(count by (instance) (collectd_ctwatch_conntrack{type="entries", ctwatch=~"$namespace"})) or vector(0)',
            instant: true,
            legendFormat: 'Hosts reporting',
            range: false,
            refId: 'A',
          },
        ],
        title: 'Hosts reporting',
        type: 'stat',
      },
      {
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        description: 'Host/namespace pairs that exported ctwatch metrics within the last hour but not in the last 10 minutes: the ConntrackMetricsAbsent condition. Every other alert is blind for them. Runbook: docs/runbooks/ConntrackMetricsAbsent.md',
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
                  color: 'green',
                  value: null,
                },
                {
                  color: 'orange',
                  value: 1,
                },
              ],
            },
            unit: 'short',
          },
          overrides: [],
        },
        gridPos: {
          h: 5,
          w: 3,
          x: 3,
          y: 4,
        },
        id: 4,
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
          textMode: 'value',
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
            expr: 'count(group by (instance, ctwatch) (present_over_time(collectd_ctwatch_conntrack{type="entries", ctwatch=~"$namespace"}[1h])) unless group by (instance, ctwatch) (present_over_time(collectd_ctwatch_conntrack{type="entries", ctwatch=~"$namespace"}[10m]))) or vector(0)',
            instant: true,
            legendFormat: 'Host namespaces silent for 10 min',
            range: false,
            refId: 'A',
          },
        ],
        title: 'Host namespaces silent for 10 min',
        type: 'stat',
      },
      {
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        description: 'Hosts with a namespace whose table is at least ' + c.fillPagePercentText + ' % full: the ConntrackTableNearlyFull condition (it pages after 1 minute). Runbook: docs/runbooks/ConntrackTableNearlyFull.md',
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
                  color: 'green',
                  value: null,
                },
                {
                  color: 'red',
                  value: 1,
                },
              ],
            },
            unit: 'short',
          },
          overrides: [],
        },
        gridPos: {
          h: 5,
          w: 3,
          x: 6,
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
          textMode: 'value',
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
            expr: 'count(count by (instance) (collectd_ctwatch_conntrack{type="entries", ctwatch=~"$namespace"} / ignoring(type) (collectd_ctwatch_conntrack{type="max", ctwatch=~"$namespace"} > 0) >= ' + c.fillPageRatioText + ')) or vector(0)',
            instant: true,
            legendFormat: 'Hosts >= ' + c.fillPagePercentText + ' % full',
            range: false,
            refId: 'A',
          },
        ],
        title: 'Hosts >= ' + c.fillPagePercentText + ' % full',
        type: 'stat',
      },
      {
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        description: 'Hosts with a namespace whose table is at least 70 % full (warning level, no alert yet). Runbook: docs/runbooks/ConntrackTableNearlyFull.md',
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
                  color: 'green',
                  value: null,
                },
                {
                  color: 'orange',
                  value: 1,
                },
              ],
            },
            unit: 'short',
          },
          overrides: [],
        },
        gridPos: {
          h: 5,
          w: 3,
          x: 9,
          y: 4,
        },
        id: 6,
        links: [
          {
            targetBlank: true,
            title: 'Runbook: ConntrackTableNearlyFull (docs/runbooks/ConntrackTableNearlyFull.md)',
            url: runbook('ConntrackTableNearlyFull'),
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
          textMode: 'value',
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
            expr: 'count(count by (instance) (collectd_ctwatch_conntrack{type="entries", ctwatch=~"$namespace"} / ignoring(type) (collectd_ctwatch_conntrack{type="max", ctwatch=~"$namespace"} > 0) >= 0.7)) or vector(0)',
            instant: true,
            legendFormat: 'Hosts >= 70 % full',
            range: false,
            refId: 'A',
          },
        ],
        title: 'Hosts >= 70 % full',
        type: 'stat',
      },
      {
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        description: 'Hosts whose drop or insert_failed counter increased in the last 5 minutes: the ConntrackPacketsDropped condition. Connections are failing there right now. Runbook: docs/runbooks/ConntrackPacketsDropped.md',
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
                  color: 'green',
                  value: null,
                },
                {
                  color: 'red',
                  value: 1,
                },
              ],
            },
            unit: 'short',
          },
          overrides: [],
        },
        gridPos: {
          h: 5,
          w: 3,
          x: 12,
          y: 4,
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
          textMode: 'value',
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
            expr: 'count(count by (instance) (increase(collectd_ctwatch_errors_total{type=~"drop|insert_failed", ctwatch=~"$namespace"}[5m]) > 0)) or vector(0)',
            instant: true,
            legendFormat: 'Hosts dropping packets (5 min)',
            range: false,
            refId: 'A',
          },
        ],
        title: 'Hosts dropping packets (5 min)',
        type: 'stat',
      },
      {
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        description: 'Hosts whose early_drop counter increased in the last 10 minutes: a table reached nf_conntrack_max and entries were evicted (ConntrackEarlyDrops). Runbook: docs/runbooks/ConntrackEarlyDrops.md',
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
                  color: 'green',
                  value: null,
                },
                {
                  color: 'orange',
                  value: 1,
                },
              ],
            },
            unit: 'short',
          },
          overrides: [],
        },
        gridPos: {
          h: 5,
          w: 3,
          x: 15,
          y: 4,
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
          textMode: 'value',
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
            expr: 'count(count by (instance) (increase(collectd_ctwatch_errors_total{type="early_drop", ctwatch=~"$namespace"}[10m]) > 0)) or vector(0)',
            instant: true,
            legendFormat: 'Hosts with early drops (10 min)',
            range: false,
            refId: 'A',
          },
        ],
        title: 'Hosts with early drops (10 min)',
        type: 'stat',
      },
      {
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        description: 'Hosts meeting the ConntrackTableFillingUp condition: a linear fit of the last hour reaches nf_conntrack_max within 4 hours, the table is >= 50 % full and growing. Runbook: docs/runbooks/ConntrackTableFillingUp.md',
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
                  color: 'green',
                  value: null,
                },
                {
                  color: 'orange',
                  value: 1,
                },
              ],
            },
            unit: 'short',
          },
          overrides: [],
        },
        gridPos: {
          h: 5,
          w: 3,
          x: 18,
          y: 4,
        },
        id: 9,
        links: [
          {
            targetBlank: true,
            title: 'Runbook: ConntrackTableFillingUp (docs/runbooks/ConntrackTableFillingUp.md)',
            url: runbook('ConntrackTableFillingUp'),
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
          textMode: 'value',
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
            expr: 'count(count by (instance) ((predict_linear(collectd_ctwatch_conntrack{type="entries", ctwatch=~"$namespace"}[1h], 4 * 3600) / ignoring(type) (collectd_ctwatch_conntrack{type="max", ctwatch=~"$namespace"} > 0) >= 1) and ignoring(type) (collectd_ctwatch_conntrack{type="entries", ctwatch=~"$namespace"} / ignoring(type) (collectd_ctwatch_conntrack{type="max", ctwatch=~"$namespace"} > 0) >= 0.5) and ignoring(type) (deriv(collectd_ctwatch_conntrack{type="entries", ctwatch=~"$namespace"}[1h]) > 0))) or vector(0)',
            instant: true,
            legendFormat: 'Hosts predicted full within 4 h',
            range: false,
            refId: 'A',
          },
        ],
        title: 'Hosts predicted full within 4 h',
        type: 'stat',
      },
      {
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        description: 'Hosts with a namespace where TIME_WAIT entries are at least half of the table, whatever the fill (ConntrackTimeWaitDominant additionally needs the table >= 50 % full). Runbook: docs/runbooks/ConntrackTimeWaitDominant.md',
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
                  color: 'green',
                  value: null,
                },
                {
                  color: 'orange',
                  value: 1,
                },
              ],
            },
            unit: 'short',
          },
          overrides: [],
        },
        gridPos: {
          h: 5,
          w: 3,
          x: 21,
          y: 4,
        },
        id: 10,
        links: [
          {
            targetBlank: true,
            title: 'Runbook: ConntrackTimeWaitDominant (docs/runbooks/ConntrackTimeWaitDominant.md)',
            url: runbook('ConntrackTimeWaitDominant'),
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
          textMode: 'value',
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
            expr: 'count(count by (instance) (clamp_max(last_over_time(collectd_ctwatch_tcp_connections{type="TIME_WAIT", ctwatch=~"$namespace"}[10m]) / ignoring(type) (collectd_ctwatch_conntrack{type="entries", ctwatch=~"$namespace"} > 0), 1) >= 0.5)) or vector(0)',
            instant: true,
            legendFormat: 'Hosts with TIME_WAIT >= 50 %',
            range: false,
            refId: 'A',
          },
        ],
        title: 'Hosts with TIME_WAIT >= 50 %',
        type: 'stat',
      },
      {
        collapsed: false,
        gridPos: {
          h: 1,
          w: 24,
          x: 0,
          y: 9,
        },
        id: 11,
        panels: [],
        title: 'Who needs attention now?',
        type: 'row',
      },
      {
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        description: 'The 20 fullest tables (entries / nf_conntrack_max per host and namespace), fullest first. Orange from 70 %, red from ' + c.fillPagePercentText + ' % (ConntrackTableNearlyFull pages). Click a bar to open the host dashboard. Runbook: docs/runbooks/ConntrackTableNearlyFull.md',
        fieldConfig: {
          defaults: {
            color: {
              mode: 'thresholds',
            },
            decimals: 1,
            links: [
              {
                targetBlank: false,
                title: 'Open ctwatch — host for ${__field.labels.instance}',
                url: '/d/ctwatch-host/ctwatch-host?var-instance=${__field.labels.instance}&var-namespace=${__field.labels.ctwatch}&${datasource:queryparam}&${__url_time_range}',
              },
            ],
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
          h: 13,
          w: 12,
          x: 0,
          y: 10,
        },
        id: 12,
        links: [
          {
            targetBlank: true,
            title: 'Runbook: ConntrackTableNearlyFull (docs/runbooks/ConntrackTableNearlyFull.md)',
            url: runbook('ConntrackTableNearlyFull'),
          },
        ],
        options: {
          displayMode: 'gradient',
          maxVizHeight: 300,
          minVizHeight: 16,
          minVizWidth: 8,
          namePlacement: 'left',
          orientation: 'horizontal',
          reduceOptions: {
            calcs: [
              'lastNotNull',
            ],
            fields: '',
            values: false,
          },
          showUnfilled: true,
          sizing: 'manual',
          valueMode: 'color',
        },
        pluginVersion: '10.4.0',
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            editorMode: 'code',
            expr: 'sort_desc(topk(20, 100 * max by (instance, ctwatch) (collectd_ctwatch_conntrack{type="entries", ctwatch=~"$namespace"} / ignoring(type) (collectd_ctwatch_conntrack{type="max", ctwatch=~"$namespace"} > 0))))',
            instant: true,
            legendFormat: '{{instance}} / {{ctwatch}}',
            range: false,
            refId: 'A',
          },
        ],
        title: 'Top 20 hosts by fill',
        type: 'bargauge',
      },
      {
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        description: 'Every host and namespace whose drop, insert_failed or early_drop counter increased in the last 5 minutes, with the increase. drop / insert_failed: packets lost, new connections fail (ConntrackPacketsDropped). early_drop: entries evicted from a full table (ConntrackEarlyDrops). Empty is good. Runbook: docs/runbooks/ConntrackPacketsDropped.md',
        fieldConfig: {
          defaults: {
            color: {
              mode: 'thresholds',
            },
            custom: {
              align: 'auto',
              cellOptions: {
                type: 'auto',
              },
              filterable: true,
              inspect: false,
            },
            links: [
              {
                targetBlank: false,
                title: 'Open ctwatch — host for ${__data.fields.instance}',
                url: '/d/ctwatch-host/ctwatch-host?var-instance=${__data.fields.instance}&var-namespace=${__data.fields.ctwatch}&${datasource:queryparam}&${__url_time_range}',
              },
            ],
            mappings: [],
            noValue: 'No host dropped packets in the last 5 minutes',
            thresholds: {
              mode: 'absolute',
              steps: [
                {
                  color: 'transparent',
                  value: null,
                },
              ],
            },
          },
          overrides: [
            {
              matcher: {
                id: 'byName',
                options: 'increase (5 min)',
              },
              properties: [
                {
                  id: 'custom.cellOptions',
                  value: {
                    type: 'color-background',
                  },
                },
                {
                  id: 'thresholds',
                  value: {
                    mode: 'absolute',
                    steps: [
                      {
                        color: 'red',
                        value: null,
                      },
                    ],
                  },
                },
                {
                  id: 'decimals',
                  value: 0,
                },
              ],
            },
          ],
        },
        gridPos: {
          h: 6,
          w: 12,
          x: 12,
          y: 10,
        },
        id: 13,
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
          cellHeight: 'sm',
          footer: {
            countRows: false,
            fields: '',
            reducer: [
              'sum',
            ],
            show: false,
          },
          showHeader: true,
          sortBy: [
            {
              desc: true,
              displayName: 'increase (5 min)',
            },
          ],
        },
        pluginVersion: '10.4.0',
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            editorMode: 'code',
            expr: 'sort_desc(sum by (instance, ctwatch, type) (increase(collectd_ctwatch_errors_total{type=~"drop|insert_failed|early_drop", ctwatch=~"$namespace"}[5m])) > 0)',
            format: 'table',
            instant: true,
            legendFormat: '',
            range: false,
            refId: 'A',
          },
        ],
        title: 'Hosts dropping packets now (last 5 min)',
        transformations: [
          {
            id: 'organize',
            options: {
              excludeByName: {
                Time: true,
              },
              includeByName: {},
              indexByName: {
                Value: 3,
                ctwatch: 1,
                instance: 0,
                type: 2,
              },
              renameByName: {
                Value: 'increase (5 min)',
                ctwatch: 'namespace',
                instance: 'host',
                type: 'counter',
              },
            },
          },
        ],
        type: 'table',
      },
      {
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        description: 'Hosts and namespaces meeting the ConntrackTableFillingUp condition (linear fit of the last hour reaches nf_conntrack_max within 4 h, table >= 50 % full and growing), with the predicted fill in 4 hours. Empty is good. Runbook: docs/runbooks/ConntrackTableFillingUp.md',
        fieldConfig: {
          defaults: {
            color: {
              mode: 'thresholds',
            },
            custom: {
              align: 'auto',
              cellOptions: {
                type: 'auto',
              },
              filterable: true,
              inspect: false,
            },
            links: [
              {
                targetBlank: false,
                title: 'Open ctwatch — host for ${__data.fields.instance}',
                url: '/d/ctwatch-host/ctwatch-host?var-instance=${__data.fields.instance}&var-namespace=${__data.fields.ctwatch}&${datasource:queryparam}&${__url_time_range}',
              },
            ],
            mappings: [],
            noValue: 'No table is on course to fill within 4 hours',
            thresholds: {
              mode: 'absolute',
              steps: [
                {
                  color: 'transparent',
                  value: null,
                },
              ],
            },
          },
          overrides: [
            {
              matcher: {
                id: 'byName',
                options: 'predicted fill in 4 h',
              },
              properties: [
                {
                  id: 'unit',
                  value: 'percent',
                },
                {
                  id: 'decimals',
                  value: 0,
                },
                {
                  id: 'custom.cellOptions',
                  value: {
                    type: 'color-background',
                  },
                },
                {
                  id: 'thresholds',
                  value: {
                    mode: 'absolute',
                    steps: [
                      {
                        color: 'orange',
                        value: null,
                      },
                    ],
                  },
                },
              ],
            },
          ],
        },
        gridPos: {
          h: 7,
          w: 12,
          x: 12,
          y: 16,
        },
        id: 14,
        links: [
          {
            targetBlank: true,
            title: 'Runbook: ConntrackTableFillingUp (docs/runbooks/ConntrackTableFillingUp.md)',
            url: runbook('ConntrackTableFillingUp'),
          },
        ],
        options: {
          cellHeight: 'sm',
          footer: {
            countRows: false,
            fields: '',
            reducer: [
              'sum',
            ],
            show: false,
          },
          showHeader: true,
          sortBy: [
            {
              desc: true,
              displayName: 'predicted fill in 4 h',
            },
          ],
        },
        pluginVersion: '10.4.0',
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            editorMode: 'code',
            expr: 'sort_desc(100 * max by (instance, ctwatch) ((predict_linear(collectd_ctwatch_conntrack{type="entries", ctwatch=~"$namespace"}[1h], 4 * 3600) / ignoring(type) (collectd_ctwatch_conntrack{type="max", ctwatch=~"$namespace"} > 0) >= 1) and ignoring(type) (collectd_ctwatch_conntrack{type="entries", ctwatch=~"$namespace"} / ignoring(type) (collectd_ctwatch_conntrack{type="max", ctwatch=~"$namespace"} > 0) >= 0.5) and ignoring(type) (deriv(collectd_ctwatch_conntrack{type="entries", ctwatch=~"$namespace"}[1h]) > 0)))',
            format: 'table',
            instant: true,
            legendFormat: '',
            range: false,
            refId: 'A',
          },
        ],
        title: 'Hosts predicted to fill within 4 h',
        transformations: [
          {
            id: 'organize',
            options: {
              excludeByName: {
                Time: true,
              },
              includeByName: {},
              indexByName: {
                Value: 2,
                ctwatch: 1,
                instance: 0,
              },
              renameByName: {
                Value: 'predicted fill in 4 h',
                ctwatch: 'namespace',
                instance: 'host',
              },
            },
          },
        ],
        type: 'table',
      },
      {
        collapsed: false,
        gridPos: {
          h: 1,
          w: 24,
          x: 0,
          y: 23,
        },
        id: 15,
        panels: [],
        title: 'Why are they filling?  Trends across the fleet',
        type: 'row',
      },
      {
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        description: 'The 20 tables with the largest share of TIME_WAIT entries (census TIME_WAIT / entries, as in ConntrackTimeWaitDominant). Orange from 50 %. A high share on an almost empty table is harmless: check the fill list next to it. Runbooks: docs/runbooks/ConntrackTimeWaitDominant.md, docs/runbooks/ConntrackTimeWaitTimeoutLong.md',
        fieldConfig: {
          defaults: {
            color: {
              mode: 'thresholds',
            },
            decimals: 1,
            links: [
              {
                targetBlank: false,
                title: 'Open ctwatch — host for ${__field.labels.instance}',
                url: '/d/ctwatch-host/ctwatch-host?var-instance=${__field.labels.instance}&var-namespace=${__field.labels.ctwatch}&${datasource:queryparam}&${__url_time_range}',
              },
            ],
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
          h: 13,
          w: 12,
          x: 0,
          y: 24,
        },
        id: 16,
        links: [
          {
            targetBlank: true,
            title: 'Runbook: ConntrackTimeWaitDominant (docs/runbooks/ConntrackTimeWaitDominant.md)',
            url: runbook('ConntrackTimeWaitDominant'),
          },
        ],
        options: {
          displayMode: 'gradient',
          maxVizHeight: 300,
          minVizHeight: 16,
          minVizWidth: 8,
          namePlacement: 'left',
          orientation: 'horizontal',
          reduceOptions: {
            calcs: [
              'lastNotNull',
            ],
            fields: '',
            values: false,
          },
          showUnfilled: true,
          sizing: 'manual',
          valueMode: 'color',
        },
        pluginVersion: '10.4.0',
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            editorMode: 'code',
            expr: 'sort_desc(topk(20, max by (instance, ctwatch) (clamp_max(last_over_time(collectd_ctwatch_tcp_connections{type="TIME_WAIT", ctwatch=~"$namespace"}[10m]) / ignoring(type) (collectd_ctwatch_conntrack{type="entries", ctwatch=~"$namespace"} > 0), 1))))',
            instant: true,
            legendFormat: '{{instance}} / {{ctwatch}}',
            range: false,
            refId: 'A',
          },
        ],
        title: 'Top 20 hosts by TIME_WAIT share',
        type: 'bargauge',
      },
      {
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        description: 'Distribution of table fill across all hosts and namespaces over time. The max line is the fullest table anywhere; a rising median means a fleet-wide change (traffic, deploy, sysctl rollout). Dashed: 70 % and ' + c.fillPagePercentText + ' %.',
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
          overrides: [
            {
              matcher: {
                id: 'byName',
                options: 'max',
              },
              properties: [
                {
                  id: 'color',
                  value: {
                    fixedColor: 'red',
                    mode: 'fixed',
                  },
                },
              ],
            },
          ],
        },
        gridPos: {
          h: 7,
          w: 12,
          x: 12,
          y: 24,
        },
        id: 17,
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
            expr: '100 * max(collectd_ctwatch_conntrack{type="entries", ctwatch=~"$namespace"} / ignoring(type) (collectd_ctwatch_conntrack{type="max", ctwatch=~"$namespace"} > 0))',
            instant: false,
            legendFormat: 'max',
            range: true,
            refId: 'A',
          },
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            editorMode: 'code',
            expr: '100 * quantile(0.99, collectd_ctwatch_conntrack{type="entries", ctwatch=~"$namespace"} / ignoring(type) (collectd_ctwatch_conntrack{type="max", ctwatch=~"$namespace"} > 0))',
            instant: false,
            legendFormat: 'p99',
            range: true,
            refId: 'B',
          },
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            editorMode: 'code',
            expr: '100 * quantile(0.9, collectd_ctwatch_conntrack{type="entries", ctwatch=~"$namespace"} / ignoring(type) (collectd_ctwatch_conntrack{type="max", ctwatch=~"$namespace"} > 0))',
            instant: false,
            legendFormat: 'p90',
            range: true,
            refId: 'C',
          },
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            editorMode: 'code',
            expr: '100 * quantile(0.5, collectd_ctwatch_conntrack{type="entries", ctwatch=~"$namespace"} / ignoring(type) (collectd_ctwatch_conntrack{type="max", ctwatch=~"$namespace"} > 0))',
            instant: false,
            legendFormat: 'median',
            range: true,
            refId: 'D',
          },
        ],
        title: 'Fleet fill: max, p99, p90, median',
        type: 'timeseries',
      },
      {
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        description: 'Sum over all hosts of the counters that mean lost (drop, insert_failed) or evicted (early_drop) connections. Red area above 0. Find the hosts in "Hosts dropping packets now". Runbooks: docs/runbooks/ConntrackPacketsDropped.md, docs/runbooks/ConntrackEarlyDrops.md',
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
                id: 'byName',
                options: 'drop',
              },
              properties: [
                {
                  id: 'color',
                  value: {
                    fixedColor: 'red',
                    mode: 'fixed',
                  },
                },
              ],
            },
            {
              matcher: {
                id: 'byName',
                options: 'insert_failed',
              },
              properties: [
                {
                  id: 'color',
                  value: {
                    fixedColor: 'dark-red',
                    mode: 'fixed',
                  },
                },
              ],
            },
            {
              matcher: {
                id: 'byName',
                options: 'early_drop',
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
          h: 6,
          w: 12,
          x: 12,
          y: 31,
        },
        id: 18,
        links: [
          {
            targetBlank: true,
            title: 'Runbook: ConntrackPacketsDropped (docs/runbooks/ConntrackPacketsDropped.md)',
            url: runbook('ConntrackPacketsDropped'),
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
            expr: 'sum by (type) (rate(collectd_ctwatch_errors_total{type=~"drop|insert_failed|early_drop", ctwatch=~"$namespace"}[$__rate_interval]))',
            instant: false,
            legendFormat: '{{type}}',
            range: true,
            refId: 'A',
          },
        ],
        title: 'Fleet drop / insert_failed / early_drop per second',
        type: 'timeseries',
      },
      {
        collapsed: false,
        gridPos: {
          h: 1,
          w: 24,
          x: 0,
          y: 37,
        },
        id: 19,
        panels: [],
        title: 'Tuning per host  (orange = kernel default or risky setting)',
        type: 'row',
      },
      {
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        description: 'One row per host and namespace, fullest first (click a column header to sort, use the filter icons to search). Orange cells: nf_conntrack_max still 262144, the largest kernel default (ConntrackMaxNotTuned); nf_conntrack_tcp_timeout_time_wait above 60 s (ConntrackTimeWaitTimeoutLong); net.ipv4.tcp_tw_reuse = 1 (ConntrackTcpTwReuseEnabled). nf_conntrack_max and buckets are global per host; the timeouts and tw_reuse are per namespace. Runbooks: docs/runbooks/ConntrackMaxNotTuned.md, docs/runbooks/ConntrackTimeWaitTimeoutLong.md, docs/runbooks/ConntrackTcpTwReuseEnabled.md',
        fieldConfig: {
          defaults: {
            color: {
              mode: 'thresholds',
            },
            custom: {
              align: 'auto',
              cellOptions: {
                type: 'auto',
              },
              filterable: true,
              inspect: false,
            },
            links: [
              {
                targetBlank: false,
                title: 'Open ctwatch — host for ${__data.fields.instance}',
                url: '/d/ctwatch-host/ctwatch-host?var-instance=${__data.fields.instance}&var-namespace=${__data.fields.ctwatch}&${datasource:queryparam}&${__url_time_range}',
              },
            ],
            mappings: [],
            thresholds: {
              mode: 'absolute',
              steps: [
                {
                  color: 'transparent',
                  value: null,
                },
              ],
            },
          },
          overrides: [
            {
              matcher: {
                id: 'byName',
                options: 'fill',
              },
              properties: [
                {
                  id: 'unit',
                  value: 'percent',
                },
                {
                  id: 'decimals',
                  value: 1,
                },
                {
                  id: 'custom.cellOptions',
                  value: {
                    mode: 'basic',
                    type: 'gauge',
                    valueDisplayMode: 'text',
                  },
                },
                {
                  id: 'min',
                  value: 0,
                },
                {
                  id: 'max',
                  value: 100,
                },
                {
                  id: 'thresholds',
                  value: {
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
                },
              ],
            },
            {
              matcher: {
                id: 'byName',
                options: 'nf_conntrack_max',
              },
              properties: [
                {
                  id: 'decimals',
                  value: 0,
                },
                {
                  id: 'custom.cellOptions',
                  value: {
                    type: 'color-background',
                  },
                },
                {
                  id: 'mappings',
                  value: [
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
                },
              ],
            },
            {
              matcher: {
                id: 'byName',
                options: 'nf_conntrack_buckets',
              },
              properties: [
                {
                  id: 'decimals',
                  value: 0,
                },
              ],
            },
            {
              matcher: {
                id: 'byName',
                options: 'tcp_timeout_time_wait',
              },
              properties: [
                {
                  id: 'unit',
                  value: 's',
                },
                {
                  id: 'custom.cellOptions',
                  value: {
                    type: 'color-background',
                  },
                },
                {
                  id: 'thresholds',
                  value: {
                    mode: 'absolute',
                    steps: [
                      {
                        color: 'transparent',
                        value: null,
                      },
                      {
                        color: 'orange',
                        value: 61,
                      },
                    ],
                  },
                },
              ],
            },
            {
              matcher: {
                id: 'byName',
                options: 'tcp_tw_reuse',
              },
              properties: [
                {
                  id: 'custom.cellOptions',
                  value: {
                    type: 'color-background',
                  },
                },
                {
                  id: 'mappings',
                  value: [
                    {
                      options: {
                        '0': {
                          index: 0,
                          text: '0 (off)',
                        },
                        '1': {
                          color: 'orange',
                          index: 1,
                          text: '1 (on for all): review',
                        },
                        '2': {
                          index: 2,
                          text: '2 (loopback only, default)',
                        },
                      },
                      type: 'value',
                    },
                  ],
                },
              ],
            },
          ],
        },
        gridPos: {
          h: 12,
          w: 24,
          x: 0,
          y: 38,
        },
        id: 20,
        options: {
          cellHeight: 'sm',
          footer: {
            countRows: false,
            fields: '',
            reducer: [
              'sum',
            ],
            show: false,
          },
          showHeader: true,
          sortBy: [
            {
              desc: true,
              displayName: 'fill',
            },
          ],
        },
        pluginVersion: '10.4.0',
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            editorMode: 'code',
            expr: 'max by (instance, ctwatch) (100 * collectd_ctwatch_conntrack{type="entries", ctwatch=~"$namespace"} / ignoring(type) (collectd_ctwatch_conntrack{type="max", ctwatch=~"$namespace"} > 0))',
            format: 'table',
            instant: true,
            legendFormat: '',
            range: false,
            refId: 'A',
          },
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            editorMode: 'code',
            expr: 'max by (instance, ctwatch) (collectd_ctwatch_conntrack{type="max", ctwatch=~"$namespace"})',
            format: 'table',
            instant: true,
            legendFormat: '',
            range: false,
            refId: 'B',
          },
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            editorMode: 'code',
            expr: 'max by (instance, ctwatch) (collectd_ctwatch_conntrack{type="buckets", ctwatch=~"$namespace"})',
            format: 'table',
            instant: true,
            legendFormat: '',
            range: false,
            refId: 'C',
          },
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            editorMode: 'code',
            expr: 'max by (instance, ctwatch) (collectd_ctwatch_duration_seconds{type="tcp_timeout_time_wait", ctwatch=~"$namespace"})',
            format: 'table',
            instant: true,
            legendFormat: '',
            range: false,
            refId: 'D',
          },
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            editorMode: 'code',
            expr: 'max by (instance, ctwatch) (collectd_ctwatch_gauge{type="tcp_tw_reuse", ctwatch=~"$namespace"})',
            format: 'table',
            instant: true,
            legendFormat: '',
            range: false,
            refId: 'E',
          },
        ],
        title: 'Tuning values per host',
        transformations: [
          {
            id: 'merge',
            options: {},
          },
          {
            id: 'organize',
            options: {
              excludeByName: {
                Time: true,
              },
              includeByName: {},
              indexByName: {
                'Value #A': 2,
                'Value #B': 3,
                'Value #C': 4,
                'Value #D': 5,
                'Value #E': 6,
                ctwatch: 1,
                instance: 0,
              },
              renameByName: {
                'Value #A': 'fill',
                'Value #B': 'nf_conntrack_max',
                'Value #C': 'nf_conntrack_buckets',
                'Value #D': 'tcp_timeout_time_wait',
                'Value #E': 'tcp_tw_reuse',
                ctwatch: 'namespace',
                instance: 'host',
              },
            },
          },
        ],
        type: 'table',
      },
      {
        collapsed: false,
        gridPos: {
          h: 1,
          w: 24,
          x: 0,
          y: 50,
        },
        id: 21,
        panels: [],
        title: 'Monitor health  (can ctwatch see everything?)',
        type: 'row',
      },
      {
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        description: 'Host/namespace pairs whose exported census is older than ' + c.censusStaleSeconds + ' s or never succeeded (census_age > ' + c.censusStaleSeconds + ' s): the ConntrackCensusStale condition. Their TIME_WAIT, protocol and top-peer values are blind. Runbook: docs/runbooks/ConntrackCensusStale.md',
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
                  color: 'green',
                  value: null,
                },
                {
                  color: 'orange',
                  value: 1,
                },
              ],
            },
            unit: 'short',
          },
          overrides: [],
        },
        gridPos: {
          h: 5,
          w: 6,
          x: 0,
          y: 51,
        },
        id: 22,
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
          showPercentChange: false,
          textMode: 'value',
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
            expr: 'count(collectd_ctwatch_duration_seconds{type="census_age", ctwatch=~"$namespace"} > %g) or vector(0)' % c.censusStaleSeconds,
            instant: true,
            legendFormat: 'Namespaces with a stale census (%g min)' % (c.censusStaleSeconds / 60),
            range: false,
            refId: 'A',
          },
        ],
        title: 'Namespaces with a stale census (%g min)' % (c.censusStaleSeconds / 60),
        type: 'stat',
      },
      {
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        description: 'Host/namespace pairs ctwatch reads through /proc because ctnetlink is refused (no CAP_NET_ADMIN): counts only, no census. Runbook: docs/runbooks/ConntrackCensusStale.md',
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
                  color: 'green',
                  value: null,
                },
                {
                  color: 'orange',
                  value: 1,
                },
              ],
            },
            unit: 'short',
          },
          overrides: [],
        },
        gridPos: {
          h: 5,
          w: 6,
          x: 6,
          y: 51,
        },
        id: 23,
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
          showPercentChange: false,
          textMode: 'value',
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
            expr: 'count(collectd_ctwatch_gauge{type="source_netlink", ctwatch=~"$namespace"} == 0) or vector(0)',
            instant: true,
            legendFormat: 'Namespaces on the /proc fallback',
            range: false,
            refId: 'A',
          },
        ],
        title: 'Namespaces on the /proc fallback',
        type: 'stat',
      },
      {
        "datasource": {
          "type": "prometheus",
          "uid": "${datasource}"
        },
        "description": "Hosts whose ctwatch knows of network namespaces it could not read at its last read (namespaces_unsampled > 0: over MaxNamespaces, out of descriptors, cannot open, reads failing). ConntrackNamespaceUnsampled fires after 5 minutes.",
        "fieldConfig": {
          "defaults": {
            "color": {
              "mode": "thresholds"
            },
            "decimals": 0,
            "mappings": [],
            "thresholds": {
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
            },
            "unit": "short"
          },
          "overrides": []
        },
        "gridPos": {
          "h": 5,
          "w": 6,
          "x": 12,
          "y": 51
        },
        "id": 24,
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
          "showPercentChange": false,
          "textMode": "value",
          "wideLayout": true
        },
        "pluginVersion": "10.4.0",
        "targets": [
          {
            "datasource": {
              "type": "prometheus",
              "uid": "${datasource}"
            },
            "editorMode": "code",
            "expr": "count(max by (instance) (collectd_ctwatch_gauge{type=\"namespaces_unsampled\"}) > 0) or vector(0)",
            "instant": true,
            "legendFormat": "Hosts with namespaces not read",
            "range": false,
            "refId": "A"
          }
        ],
        "title": "Hosts with namespaces ctwatch cannot read",
        "type": "stat"
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
          definition: 'label_values(collectd_ctwatch_conntrack, ctwatch)',
          description: "Network namespaces (ctwatch label) to include: host = each collectd's own namespace",
          hide: 0,
          includeAll: true,
          label: 'Namespace',
          multi: true,
          name: 'namespace',
          options: [],
          query: {
            query: 'label_values(collectd_ctwatch_conntrack, ctwatch)',
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
    title: 'ctwatch — fleet',
    uid: 'ctwatch-fleet',
    version: 1,
    weekStart: '',
  }
