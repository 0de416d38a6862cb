// The fleet dashboard: every host's conntrack table, built for 1,000+ hosts.
// Built from the panel library (mixin/lib/dashboard.libsonnet), which puts
// _config's selector and cluster label into every query.  c: the mixin's _config.
function(c)
  local lib = (import '../lib/dashboard.libsonnet')(c, 'fleet');
  lib.dashboard(
    'ctwatch-fleet',
    'ctwatch — fleet',
    'All hosts running the collectd ctwatch plugin: who is full, who is dropping, who will fill, who is untuned. Runbooks: docs/runbooks/.',
    [
      lib.namespaceVariable("Network namespaces (ctwatch label) to include: host = each collectd's own namespace",
                            'label_values(%s, ctwatch)' % lib.mAll('collectd_ctwatch_conntrack')),
    ],
    [
      lib.text('On call? Start here', [0, 0, 24, 3], 'One row per question, built for 1,000+ hosts (top 20 lists and tables, never a panel per host). **Red counts** are hosts that page: table >= ' + c.fillPagePercentText + ' % full (ConntrackTableNearlyFull) or dropping packets (ConntrackPacketsDropped). Click a host in a list or table to open **ctwatch — host** for it. Runbooks, one per alert: [docs/runbooks/](' + lib.runbookIndex + '). "Host" is collectd\'s Hostname (the `instance` label, kept by `honor_labels: true`); counts are of hosts, lists are per host and namespace.'),
      lib.row('Fleet at a glance', 3),
      lib.stat('Hosts reporting',
               [0, 4, 3, 5],
               'Hosts (collectd Hostname) with ctwatch metrics in the selected namespaces. Compare with the number of hosts you expect: a host whose collectd never exported ctwatch is not alerted on.',
               [lib.q('count(count %s (%s)) or vector(0)' % [lib.by('instance'), lib.m('collectd_ctwatch_conntrack', 'type="entries"')], 'Hosts reporting')])
      + lib.decimals(0)
      + lib.steps([['red', null], ['green', 1]]),
      lib.stat('Host namespaces silent for 10 min',
               [3, 4, 3, 5],
               'Host/namespace pairs that exported ctwatch metrics within the last hour but not in the last 10 minutes: the ConntrackMetricsAbsent condition. Every other alert is blind for them. Runbook: docs/runbooks/ConntrackMetricsAbsent.md',
               [lib.q('count(group %s (present_over_time(%s[1h])) unless group %s (present_over_time(%s[10m]))) or vector(0)' % [lib.by('instance, ctwatch'), lib.m('collectd_ctwatch_conntrack', 'type="entries"'), lib.by('instance, ctwatch'), lib.m('collectd_ctwatch_conntrack', 'type="entries"')], 'Host namespaces silent for 10 min')])
      + lib.decimals(0)
      + lib.steps([['green', null], ['orange', 1]])
      + lib.runbooks(['ConntrackMetricsAbsent']),
      lib.stat('Hosts >= ' + c.fillPagePercentText + ' % full',
               [6, 4, 3, 5],
               'Hosts with a namespace whose table is at least ' + c.fillPagePercentText + ' % full: the ConntrackTableNearlyFull condition (it pages after 1 minute). Runbook: docs/runbooks/ConntrackTableNearlyFull.md',
               [lib.q('count(count %s (%s >= %s)) or vector(0)' % [lib.by('instance'), lib.fill, c.fillPageRatioText], 'Hosts >= ' + c.fillPagePercentText + ' % full')])
      + lib.decimals(0)
      + lib.steps([['green', null], ['red', 1]])
      + lib.runbooks(['ConntrackTableNearlyFull']),
      lib.stat('Hosts >= 70 % full',
               [9, 4, 3, 5],
               'Hosts with a namespace whose table is at least 70 % full (warning level, no alert yet). Runbook: docs/runbooks/ConntrackTableNearlyFull.md',
               [lib.q('count(count %s (%s >= 0.7)) or vector(0)' % [lib.by('instance'), lib.fill], 'Hosts >= 70 % full')])
      + lib.decimals(0)
      + lib.steps([['green', null], ['orange', 1]])
      + lib.runbooks(['ConntrackTableNearlyFull']),
      lib.stat('Hosts dropping packets (5 min)',
               [12, 4, 3, 5],
               'Hosts whose drop or insert_failed counter increased in the last 5 minutes: the ConntrackPacketsDropped condition. Connections are failing there right now. Runbook: docs/runbooks/ConntrackPacketsDropped.md',
               [lib.q('count(count %s (increase(%s[5m]) > 0)) or vector(0)' % [lib.by('instance'), lib.m('collectd_ctwatch_errors_total', 'type=~"drop|insert_failed"')], 'Hosts dropping packets (5 min)')])
      + lib.decimals(0)
      + lib.steps([['green', null], ['red', 1]])
      + lib.runbooks(['ConntrackPacketsDropped']),
      lib.stat('Hosts with early drops (10 min)',
               [15, 4, 3, 5],
               'Hosts whose early_drop counter increased in the last 10 minutes: a table reached nf_conntrack_max and entries were evicted (ConntrackEarlyDrops). Runbook: docs/runbooks/ConntrackEarlyDrops.md',
               [lib.q('count(count %s (increase(%s[10m]) > 0)) or vector(0)' % [lib.by('instance'), lib.m('collectd_ctwatch_errors_total', 'type="early_drop"')], 'Hosts with early drops (10 min)')])
      + lib.decimals(0)
      + lib.steps([['green', null], ['orange', 1]])
      + lib.runbooks(['ConntrackEarlyDrops']),
      lib.stat('Hosts predicted full within 4 h',
               [18, 4, 3, 5],
               'Hosts meeting the ConntrackTableFillingUp condition: a linear fit of the last hour reaches nf_conntrack_max within 4 hours, the table is >= 50 % full and growing. Runbook: docs/runbooks/ConntrackTableFillingUp.md',
               [lib.q('count(count %s ((%s >= 1) and ignoring(type) (%s >= 0.5) and ignoring(type) (%s > 0))) or vector(0)' % [lib.by('instance'), lib.fillIn4h, lib.fill, lib.growth], 'Hosts predicted full within 4 h')])
      + lib.decimals(0)
      + lib.steps([['green', null], ['orange', 1]])
      + lib.runbooks(['ConntrackTableFillingUp']),
      lib.stat('Hosts with TIME_WAIT >= 50 %',
               [21, 4, 3, 5],
               'Hosts with a namespace where TIME_WAIT entries are at least half of the table, whatever the fill (ConntrackTimeWaitDominant additionally needs the table >= 50 % full). Runbook: docs/runbooks/ConntrackTimeWaitDominant.md',
               [lib.q('count(count %s (%s >= 0.5)) or vector(0)' % [lib.by('instance'), lib.timeWaitShare], 'Hosts with TIME_WAIT >= 50 %')])
      + lib.decimals(0)
      + lib.steps([['green', null], ['orange', 1]])
      + lib.runbooks(['ConntrackTimeWaitDominant']),
      lib.row('Who needs attention now?', 9),
      lib.bargauge('Top 20 hosts by fill',
                   [0, 10, 12, 13],
                   'The 20 fullest tables (entries / nf_conntrack_max per host and namespace), fullest first. Orange from 70 %, red from ' + c.fillPagePercentText + ' % (ConntrackTableNearlyFull pages). Click a bar to open the host dashboard. Runbook: docs/runbooks/ConntrackTableNearlyFull.md',
                   [lib.q('sort_desc(topk(20, 100 * max %s (%s)))' % [lib.by('instance, ctwatch'), lib.fill], '{{instance}} / {{ctwatch}}')])
      + lib.unit('percent')
      + lib.decimals(1)
      + lib.minMax(0, 100)
      + lib.steps([['green', null], ['orange', 70], ['red', c.fillPagePercent]])
      + lib.runbooks(['ConntrackTableNearlyFull'])
      + lib.options({ displayMode: 'gradient', maxVizHeight: 300, minVizHeight: 16, minVizWidth: 8, namePlacement: 'left', sizing: 'manual', valueMode: 'color' })
      + lib.hostLink('__field.labels'),
      lib.table('Hosts dropping packets now (last 5 min)',
                [12, 10, 12, 6],
                'Every host and namespace whose drop, insert_failed or early_drop counter increased in the last 5 minutes, with the increase. drop / insert_failed: packets lost, new connections fail (ConntrackPacketsDropped). early_drop: entries evicted from a full table (ConntrackEarlyDrops). Empty is good. Runbook: docs/runbooks/ConntrackPacketsDropped.md',
                [lib.q('sort_desc(sum %s (increase(%s[5m])) > 0)' % [lib.by('instance, ctwatch, type'), lib.m('collectd_ctwatch_errors_total', 'type=~"drop|insert_failed|early_drop"')])])
      + lib.noValue('No host dropped packets in the last 5 minutes')
      + lib.steps([['transparent', null]])
      + lib.overrides([
        lib.byName('increase (5 min)', [lib.prop('custom.cellOptions', { type: 'color-background' }), lib.prop('thresholds', { mode: 'absolute', steps: [{ color: 'red', value: null }] }), lib.prop('decimals', 0)]),
      ])
      + lib.runbooks(['ConntrackPacketsDropped', 'ConntrackEarlyDrops'])
      + lib.transformations([{ id: 'organize', options: { excludeByName: { Time: true }, includeByName: {}, indexByName: { Value: 3, ctwatch: 1, instance: 0, type: 2 }, renameByName: { Value: 'increase (5 min)', ctwatch: 'namespace', instance: 'host', type: 'counter' } } }])
      + lib.sortBy('increase (5 min)')
      + lib.hostLink('__data.fields'),
      lib.table('Hosts predicted to fill within 4 h',
                [12, 16, 12, 7],
                'Hosts and namespaces meeting the ConntrackTableFillingUp condition (linear fit of the last hour reaches nf_conntrack_max within 4 h, table >= 50 % full and growing), with the predicted fill in 4 hours. Empty is good. Runbook: docs/runbooks/ConntrackTableFillingUp.md',
                [lib.q('sort_desc(100 * max %s ((%s >= 1) and ignoring(type) (%s >= 0.5) and ignoring(type) (%s > 0)))' % [lib.by('instance, ctwatch'), lib.fillIn4h, lib.fill, lib.growth])])
      + lib.noValue('No table is on course to fill within 4 hours')
      + lib.steps([['transparent', null]])
      + lib.overrides([
        lib.byName('predicted fill in 4 h', [lib.prop('unit', 'percent'), lib.prop('decimals', 0), lib.prop('custom.cellOptions', { type: 'color-background' }), lib.prop('thresholds', { mode: 'absolute', steps: [{ color: 'orange', value: null }] })]),
      ])
      + lib.runbooks(['ConntrackTableFillingUp'])
      + lib.transformations([{ id: 'organize', options: { excludeByName: { Time: true }, includeByName: {}, indexByName: { Value: 2, ctwatch: 1, instance: 0 }, renameByName: { Value: 'predicted fill in 4 h', ctwatch: 'namespace', instance: 'host' } } }])
      + lib.sortBy('predicted fill in 4 h')
      + lib.hostLink('__data.fields'),
      lib.row('Why are they filling?  Trends across the fleet', 23),
      lib.bargauge('Top 20 hosts by TIME_WAIT share',
                   [0, 24, 12, 13],
                   'The 20 tables with the largest share of TIME_WAIT entries (census TIME_WAIT / entries, as in ConntrackTimeWaitDominant). Orange from 50 %. A high share on an almost empty table is harmless: check the fill list next to it. Runbooks: docs/runbooks/ConntrackTimeWaitDominant.md, docs/runbooks/ConntrackTimeWaitTimeoutLong.md',
                   [lib.q('sort_desc(topk(20, max %s (%s)))' % [lib.by('instance, ctwatch'), lib.timeWaitShare], '{{instance}} / {{ctwatch}}')])
      + lib.unit('percentunit')
      + lib.decimals(1)
      + lib.minMax(0, 1)
      + lib.steps([['green', null], ['orange', 0.5]])
      + lib.runbooks(['ConntrackTimeWaitDominant'])
      + lib.options({ displayMode: 'gradient', maxVizHeight: 300, minVizHeight: 16, minVizWidth: 8, namePlacement: 'left', sizing: 'manual', valueMode: 'color' })
      + lib.hostLink('__field.labels'),
      lib.timeseries('Fleet fill: max, p99, p90, median',
                     [12, 24, 12, 7],
                     'Distribution of table fill across all hosts and namespaces over time. The max line is the fullest table anywhere; a rising median means a fleet-wide change (traffic, deploy, sysctl rollout). Dashed: 70 % and ' + c.fillPagePercentText + ' %.',
                     [
                       lib.q('100 * max(%s)' % [lib.fill], 'max'),
                       lib.q('100 * quantile(0.99, %s)' % [lib.fill], 'p99'),
                       lib.q('100 * quantile(0.9, %s)' % [lib.fill], 'p90'),
                       lib.q('100 * quantile(0.5, %s)' % [lib.fill], 'median'),
                     ])
      + lib.unit('percent')
      + lib.decimals(1)
      + lib.minMax(0, 100)
      + lib.steps([['green', null], ['orange', 70], ['red', c.fillPagePercent]])
      + lib.overrides([
        lib.byName('max', [lib.prop('color', { fixedColor: 'red', mode: 'fixed' })]),
      ])
      + lib.custom({ thresholdsStyle+: { mode: 'dashed' } }),
      lib.timeseries('Fleet drop / insert_failed / early_drop per second',
                     [12, 31, 12, 6],
                     'Sum over all hosts of the counters that mean lost (drop, insert_failed) or evicted (early_drop) connections. Red area above 0. Find the hosts in "Hosts dropping packets now". Runbooks: docs/runbooks/ConntrackPacketsDropped.md, docs/runbooks/ConntrackEarlyDrops.md',
                     [lib.q('sum %s (rate(%s[$__rate_interval]))' % [lib.by('type'), lib.m('collectd_ctwatch_errors_total', 'type=~"drop|insert_failed|early_drop"')], '{{type}}')])
      + lib.unit('suffix:/s')
      + lib.steps([['transparent', null], ['red', 1e-06]])
      + lib.overrides([
        lib.byName('drop', [lib.prop('color', { fixedColor: 'red', mode: 'fixed' })]),
        lib.byName('insert_failed', [lib.prop('color', { fixedColor: 'dark-red', mode: 'fixed' })]),
        lib.byName('early_drop', [lib.prop('color', { fixedColor: 'orange', mode: 'fixed' })]),
      ])
      + lib.runbooks(['ConntrackPacketsDropped'])
      + lib.custom({ thresholdsStyle+: { mode: 'area' } }),
      lib.row('Tuning per host  (orange = kernel default or risky setting)', 37),
      lib.table('Tuning values per host',
                [0, 38, 24, 12],
                'One row per host and namespace, fullest first (click a column header to sort, use the filter icons to search). Orange cells: nf_conntrack_max still 262144, the largest kernel default (ConntrackMaxNotTuned); nf_conntrack_tcp_timeout_time_wait above 60 s (ConntrackTimeWaitTimeoutLong); net.ipv4.tcp_tw_reuse = 1 (ConntrackTcpTwReuseEnabled). nf_conntrack_max and buckets are global per host; the timeouts and tw_reuse are per namespace. Runbooks: docs/runbooks/ConntrackMaxNotTuned.md, docs/runbooks/ConntrackTimeWaitTimeoutLong.md, docs/runbooks/ConntrackTcpTwReuseEnabled.md',
                [
                  lib.q('max %s (100 * %s)' % [lib.by('instance, ctwatch'), lib.fill]),
                  lib.q('max %s (%s)' % [lib.by('instance, ctwatch'), lib.m('collectd_ctwatch_conntrack', 'type="max"')]),
                  lib.q('max %s (%s)' % [lib.by('instance, ctwatch'), lib.m('collectd_ctwatch_conntrack', 'type="buckets"')]),
                  lib.q('max %s (%s)' % [lib.by('instance, ctwatch'), lib.m('collectd_ctwatch_duration_seconds', 'type="tcp_timeout_time_wait"')]),
                  lib.q('max %s (%s)' % [lib.by('instance, ctwatch'), lib.m('collectd_ctwatch_gauge', 'type="tcp_tw_reuse"')]),
                ])
      + lib.steps([['transparent', null]])
      + lib.overrides([
        lib.byName('fill', [lib.prop('unit', 'percent'), lib.prop('decimals', 1), lib.prop('custom.cellOptions', { mode: 'basic', type: 'gauge', valueDisplayMode: 'text' }), lib.prop('min', 0), lib.prop('max', 100), lib.prop('thresholds', { mode: 'absolute', steps: [{ color: 'green', value: null }, { color: 'orange', value: 70 }, { color: 'red', value: c.fillPagePercent }] })]),
        lib.byName('nf_conntrack_max', [lib.prop('decimals', 0), lib.prop('custom.cellOptions', { type: 'color-background' }), lib.prop('mappings', [{ options: { '262144': { color: 'orange', index: 0, text: '262144 (kernel default)' } }, type: 'value' }])]),
        lib.byName('nf_conntrack_buckets', [lib.prop('decimals', 0)]),
        lib.byName('tcp_timeout_time_wait', [lib.prop('unit', 's'), lib.prop('custom.cellOptions', { type: 'color-background' }), lib.prop('thresholds', { mode: 'absolute', steps: [{ color: 'transparent', value: null }, { color: 'orange', value: 61 }] })]),
        lib.byName('tcp_tw_reuse', [lib.prop('custom.cellOptions', { type: 'color-background' }), lib.prop('mappings', [{ options: { '0': { index: 0, text: '0 (off)' }, '1': { color: 'orange', index: 1, text: '1 (on for all): review' }, '2': { index: 2, text: '2 (loopback only, default)' } }, type: 'value' }])]),
      ])
      + lib.transformations([{ id: 'merge', options: {} }, { id: 'organize', options: { excludeByName: { Time: true }, includeByName: {}, indexByName: { 'Value #A': 2, 'Value #B': 3, 'Value #C': 4, 'Value #D': 5, 'Value #E': 6, ctwatch: 1, instance: 0 }, renameByName: { 'Value #A': 'fill', 'Value #B': 'nf_conntrack_max', 'Value #C': 'nf_conntrack_buckets', 'Value #D': 'tcp_timeout_time_wait', 'Value #E': 'tcp_tw_reuse', ctwatch: 'namespace', instance: 'host' } } }])
      + lib.sortBy('fill')
      + lib.hostLink('__data.fields'),
      lib.row('Monitor health  (can ctwatch see everything?)', 50),
      lib.stat('Namespaces with a stale census (' + ('%g' % (c.censusStaleSeconds / 60)) + ' min)',
               [0, 51, 6, 5],
               'Host/namespace pairs whose exported census is older than ' + ('%g' % c.censusStaleSeconds) + ' s or never succeeded (census_age > ' + ('%g' % c.censusStaleSeconds) + ' s): the ConntrackCensusStale condition. Their TIME_WAIT, protocol and top-peer values are blind. Runbook: docs/runbooks/ConntrackCensusStale.md',
               [lib.q('count(%s > %g) or vector(0)' % [lib.m('collectd_ctwatch_duration_seconds', 'type="census_age"'), c.censusStaleSeconds], 'Namespaces with a stale census (' + ('%g' % (c.censusStaleSeconds / 60)) + ' min)')])
      + lib.decimals(0)
      + lib.steps([['green', null], ['orange', 1]])
      + lib.runbooks(['ConntrackCensusStale']),
      lib.stat('Namespaces on the /proc fallback',
               [6, 51, 6, 5],
               'Host/namespace pairs ctwatch reads through /proc because ctnetlink is refused (no CAP_NET_ADMIN): counts only, no census. Runbook: docs/runbooks/ConntrackCensusStale.md',
               [lib.q('count(%s == 0) or vector(0)' % [lib.m('collectd_ctwatch_gauge', 'type="source_netlink"')], 'Namespaces on the /proc fallback')])
      + lib.decimals(0)
      + lib.steps([['green', null], ['orange', 1]])
      + lib.runbooks(['ConntrackCensusStale']),
      lib.stat('Hosts with namespaces ctwatch cannot read',
               [12, 51, 6, 5],
               'Hosts whose ctwatch knows of network namespaces it could not read at its last read (namespaces_unsampled > 0: over MaxNamespaces, out of descriptors, cannot open, reads failing). ConntrackNamespaceUnsampled fires after 5 minutes.',
               [lib.q('count(max %s (%s) > 0) or vector(0)' % [lib.by('instance'), lib.mAll('collectd_ctwatch_gauge', 'type="namespaces_unsampled"')], 'Hosts with namespaces not read')])
      + lib.decimals(0)
      + lib.steps([['green', null], ['orange', 1]])
      + lib.runbooks(['ConntrackNamespaceUnsampled']),
    ],
  )
