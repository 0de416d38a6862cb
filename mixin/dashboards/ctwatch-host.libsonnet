// The host dashboard: one host's conntrack table.  Built from the panel
// library (mixin/lib/dashboard.libsonnet), which puts _config's selector and
// cluster label into every query.  c: the mixin's _config.
function(c)
  local lib = (import '../lib/dashboard.libsonnet')(c, 'host');
  lib.dashboard(
    'ctwatch-host',
    'ctwatch — host',
    "One host's netfilter conntrack table as seen by the collectd ctwatch plugin: fill, drops, census, tuning. Runbooks: docs/runbooks/.",
    [
      lib.variable('instance',
                   'Host',
                   'collectd Hostname (needs honor_labels: true on the scrape job)',
                   'label_values(%s, instance)' % lib.mAll('collectd_ctwatch_conntrack')),
      lib.namespaceVariable("Network namespace (ctwatch label): host = collectd's own namespace",
                            'label_values(%s, ctwatch)' % lib.mHost('collectd_ctwatch_conntrack')),
    ],
    [
      lib.text('On call? Start here', [0, 0, 24, 3], '**Is the table full?** Top row: fill (entries / `nf_conntrack_max`, the expression of the `ConntrackTableNearlyFull` alert, which pages at **' + c.fillPagePercentText + ' %**). **Are connections failing?** Second row: any red number there means the kernel dropped packets or could not insert entries. **Why is it filling?** Third row: the census by TCP state and protocol (TIME_WAIT in red). **Was it tuned?** Fourth row: orange values are kernel defaults or risky settings.\n\nRunbooks, one per alert: [docs/runbooks/](' + lib.runbookIndex + ') — start with [ConntrackTableNearlyFull](' + lib.runbook('ConntrackTableNearlyFull') + ') and [ConntrackPacketsDropped](' + lib.runbook('ConntrackPacketsDropped') + "). For a namespace other than `host`, run the runbook's commands inside it (`ip netns exec NAME ...`)."),
      lib.row('Is the table about to overflow?  (pages at ' + c.fillPagePercentText + ' %, or when full within 5 minutes)', 3),
      lib.gauge('Table fill (entries / nf_conntrack_max)',
                [0, 4, 6, 8],
                'Current fill of the conntrack table per namespace: entries / nf_conntrack_max, the same expression as the ConntrackTableNearlyFull alert. Orange from 70 %, red from ' + c.fillPagePercentText + ' % (the alert pages at >= ' + c.fillPagePercentText + ' % for 1 minute). At 100 % the kernel silently drops packets that would open a new connection. Runbook: docs/runbooks/ConntrackTableNearlyFull.md',
                [lib.q('100 * %s' % [lib.fill], '{{ctwatch}}')])
      + lib.unit('percent')
      + lib.decimals(1)
      + lib.minMax(0, 100)
      + lib.steps([['green', null], ['orange', 70], ['red', c.fillPagePercent]])
      + lib.runbooks(['ConntrackTableNearlyFull']),
      lib.timeseries('Table fill over time',
                     [10, 4, 6, 8],
                     'Fill per namespace over time (entries / nf_conntrack_max). Dashed lines: 70 % (warning) and ' + c.fillPagePercentText + ' % (the ConntrackTableNearlyFull page). A steady climb is what ConntrackTableFillingUp warns about. Runbook: docs/runbooks/ConntrackTableNearlyFull.md',
                     [lib.q('100 * %s' % [lib.fill], '{{ctwatch}}')])
      + lib.unit('percent')
      + lib.decimals(1)
      + lib.minMax(0, 100)
      + lib.steps([['green', null], ['orange', 70], ['red', c.fillPagePercent]])
      + lib.runbooks(['ConntrackTableNearlyFull'])
      + lib.custom({ thresholdsStyle+: { mode: 'dashed' } }),
      lib.timeseries('Entries vs nf_conntrack_max',
                     [16, 4, 8, 8],
                     "Conntrack entries (solid), the peak ctwatch's fast sampler saw between two collectd reads (dotted: a spike between reads shows here), nf_conntrack_max (red dashed) and " + c.fillPagePercentText + " % of it (orange dotted, the paging threshold). nf_conntrack_max is global: every namespace has its own count but the same limit. Runbook: docs/runbooks/ConntrackTableNearlyFull.md Purple: the recommended nf_conntrack_max (ctwatch(1) SIZING: the last day's peak x2, rounded up to 16384); the info alert ConntrackMaxBelowRecommended fires while it is above max for 1h.",
                     [
                       lib.q(lib.m('collectd_ctwatch_conntrack', 'type=~"entries|max|peak"'), '{{ctwatch}} {{type}}'),
                       lib.q('%s * %s' % [c.fillPageRatioText, lib.m('collectd_ctwatch_conntrack', 'type="max"')], '{{ctwatch}} ' + c.fillPagePercentText + ' % of max (pages)'),
                       lib.q('ceil(max %s (max_over_time(%s[1d])) * 2 / 16384) * 16384' % [lib.by('instance, ctwatch'), lib.m('collectd_ctwatch_conntrack', 'type=~"peak|entries"')], '{{ctwatch}} recommended (x2 the need)'),
                     ])
      + lib.unit('short')
      + lib.steps([['green', null]])
      + lib.overrides([
        lib.byRegexp('.* max$', [lib.prop('color', { fixedColor: 'red', mode: 'fixed' }), lib.prop('custom.lineStyle', { dash: [10, 10], fill: 'dash' }), lib.prop('custom.fillOpacity', 0)]),
        lib.byRegexp('.*' + c.fillPagePercentText + ' % of max.*', [lib.prop('color', { fixedColor: 'orange', mode: 'fixed' }), lib.prop('custom.lineStyle', { dash: [0, 10], fill: 'dot' }), lib.prop('custom.fillOpacity', 0)]),
        lib.byRegexp('.* peak$', [lib.prop('custom.lineStyle', { dash: [2, 4], fill: 'dot' }), lib.prop('custom.fillOpacity', 0)]),
        lib.byRegexp('.*recommended.*', [lib.prop('color', { fixedColor: 'purple', mode: 'fixed' }), lib.prop('custom.lineStyle', { dash: [4, 4], fill: 'dash' }), lib.prop('custom.fillOpacity', 0)]),
      ])
      + lib.runbooks(['ConntrackTableNearlyFull']),
      lib.row('Are connections failing?  (any non-zero drop / insert_failed is an outage)', 12),
      lib.stat('Packets dropped in the time range (drop + insert_failed)',
               [0, 13, 6, 8],
               "Increase of the kernel's drop and insert_failed counters over the selected time range. Anything but 0 (red) means new connections failed silently: clients see SYNs that are never answered. The ConntrackPacketsDropped alert fires on any increase within 5 minutes. Runbook: docs/runbooks/ConntrackPacketsDropped.md",
               [lib.q('sum %s (increase(%s[$__range]))' % [lib.by('ctwatch, type'), lib.m('collectd_ctwatch_errors_total', 'type=~"drop|insert_failed"')], '{{ctwatch}} {{type}}')])
      + lib.noValue('no data: is ctwatch running?')
      + lib.steps([['green', null], ['red', 1e-06]])
      + lib.runbooks(['ConntrackPacketsDropped'])
      + lib.options({ textMode: 'value_and_name' }),
      lib.stat('Early drops in the time range (table was full)',
               [6, 13, 6, 8],
               'Increase of the early_drop counter over the selected time range: the table reached nf_conntrack_max and the kernel evicted unreplied/half-open entries to make room. Nothing was dropped yet, but packet drops are next. Orange when not 0 (alert ConntrackEarlyDrops). Runbook: docs/runbooks/ConntrackEarlyDrops.md',
               [lib.q('sum %s (increase(%s[$__range]))' % [lib.by('ctwatch'), lib.m('collectd_ctwatch_errors_total', 'type="early_drop"')], '{{ctwatch}} early_drop')])
      + lib.noValue('no data: is ctwatch running?')
      + lib.steps([['green', null], ['orange', 1e-06]])
      + lib.runbooks(['ConntrackEarlyDrops'])
      + lib.options({ textMode: 'value_and_name' }),
      lib.timeseries('drop / insert_failed / early_drop per second',
                     [12, 13, 12, 8],
                     'Rate of the kernel counters that mean lost or evicted connections, per namespace. The whole graph turns red above 0: drop and insert_failed are packets that were lost (ConntrackPacketsDropped), early_drop are entries evicted from a full table (ConntrackEarlyDrops). Runbooks: docs/runbooks/ConntrackPacketsDropped.md, docs/runbooks/ConntrackEarlyDrops.md',
                     [lib.q('sum %s (rate(%s[$__rate_interval]))' % [lib.by('ctwatch, type'), lib.m('collectd_ctwatch_errors_total', 'type=~"drop|insert_failed|early_drop"')], '{{ctwatch}} {{type}}')])
      + lib.unit('suffix:/s')
      + lib.steps([['transparent', null], ['red', 1e-06]])
      + lib.overrides([
        lib.byRegexp('.* drop$', [lib.prop('color', { fixedColor: 'red', mode: 'fixed' }), lib.prop('custom.lineWidth', 2)]),
        lib.byRegexp('.* insert_failed$', [lib.prop('color', { fixedColor: 'dark-red', mode: 'fixed' }), lib.prop('custom.lineWidth', 2)]),
        lib.byRegexp('.* early_drop$', [lib.prop('color', { fixedColor: 'orange', mode: 'fixed' })]),
      ])
      + lib.runbooks(['ConntrackPacketsDropped', 'ConntrackEarlyDrops'])
      + lib.custom({ thresholdsStyle+: { mode: 'area' } }),
      lib.timeseries('Other kernel counters per second (informational)',
                     [0, 21, 12, 7],
                     'The remaining conntrack counters. invalid: packets conntrack could not classify (usually harmless: stray or out-of-window packets). error: ICMP errors that matched no connection. chaintoolong (kernel >= 5.15): a hash chain was too long, consider more nf_conntrack_buckets. clash_resolve / search_restart: races resolved by the kernel. A counter the running kernel does not provide is simply absent.',
                     [
                       lib.q('sum %s (rate(%s[$__rate_interval]))' % [lib.by('ctwatch, type'), lib.m('collectd_ctwatch_errors_total', 'type=~"invalid|error|chaintoolong"')], '{{ctwatch}} {{type}}'),
                       lib.q('sum %s (rate(%s[$__rate_interval]))' % [lib.by('ctwatch, type'), lib.m('collectd_ctwatch_operations_total')], '{{ctwatch}} {{type}}'),
                     ])
      + lib.unit('suffix:/s')
      + lib.steps([['green', null]]),
      lib.row('Why is it filling?  Census by TCP state and protocol (TIME_WAIT in red)', 28),
      lib.timeseries('TCP entries by state (TIME_WAIT in red)',
                     [0, 29, 12, 9],
                     'Conntrack TCP entries by state from the census (one dump of the table every CensusInterval), summed over the selected namespaces; pick one namespace to see its own. A big red band is the incident pattern: a client without connection pooling leaves one TIME_WAIT entry per closed connection for nf_conntrack_tcp_timeout_time_wait. Runbook: docs/runbooks/ConntrackTimeWaitDominant.md',
                     [lib.q('sum %s (%s)' % [lib.by('type'), lib.m('collectd_ctwatch_tcp_connections')], '{{type}}')])
      + lib.unit('short')
      + lib.steps([['green', null]])
      + lib.overrides([
        lib.byName('TIME_WAIT', [lib.prop('color', { fixedColor: 'red', mode: 'fixed' }), lib.prop('custom.fillOpacity', 90), lib.prop('custom.lineWidth', 2)]),
        lib.byName('ESTABLISHED', [lib.prop('color', { fixedColor: 'green', mode: 'fixed' })]),
        lib.byName('SYN_SENT', [lib.prop('color', { fixedColor: 'yellow', mode: 'fixed' })]),
        lib.byName('SYN_RECV', [lib.prop('color', { fixedColor: 'light-yellow', mode: 'fixed' })]),
        lib.byName('SYN_SENT2', [lib.prop('color', { fixedColor: 'super-light-yellow', mode: 'fixed' })]),
        lib.byName('FIN_WAIT', [lib.prop('color', { fixedColor: 'blue', mode: 'fixed' })]),
        lib.byName('CLOSE_WAIT', [lib.prop('color', { fixedColor: 'light-blue', mode: 'fixed' })]),
        lib.byName('LAST_ACK', [lib.prop('color', { fixedColor: 'purple', mode: 'fixed' })]),
        lib.byName('CLOSE', [lib.prop('color', { fixedColor: 'light-purple', mode: 'fixed' })]),
        lib.byName('NONE', [lib.prop('color', { fixedColor: 'text', mode: 'fixed' })]),
      ])
      + lib.runbooks(['ConntrackTimeWaitDominant'])
      + lib.custom({ fillOpacity: 40, stacking+: { mode: 'normal' } }),
      lib.timeseries('TIME_WAIT share of entries',
                     [12, 29, 6, 9],
                     'TIME_WAIT entries / all entries per namespace (census over the entries gauge, clamped to 100 %, as in the ConntrackTimeWaitDominant alert, which warns at >= 50 % while the table is >= 50 % full). A high share on a nearly empty table is harmless. Runbooks: docs/runbooks/ConntrackTimeWaitDominant.md, docs/runbooks/ConntrackTimeWaitTimeoutLong.md',
                     [lib.q(lib.timeWaitShare, '{{ctwatch}}')])
      + lib.unit('percentunit')
      + lib.minMax(0, 1)
      + lib.steps([['green', null], ['orange', 0.5]])
      + lib.runbooks(['ConntrackTimeWaitDominant'])
      + lib.custom({ thresholdsStyle+: { mode: 'dashed' } }),
      lib.timeseries('Entries by protocol',
                     [18, 29, 6, 9],
                     'Conntrack entries by L4 protocol from the census, summed over the selected namespaces. A UDP-heavy table points at DNS or other connectionless chatter (nf_conntrack_udp_timeout / udp_timeout_stream in the tuning row).',
                     [lib.q('sum %s (%s)' % [lib.by('type'), lib.m('collectd_ctwatch_current_connections')], '{{type}}')])
      + lib.unit('short')
      + lib.steps([['green', null]])
      + lib.options({ legend+: { calcs: ['lastNotNull'] } })
      + lib.custom({ fillOpacity: 40, stacking+: { mode: 'normal' } }),
      lib.row('Was it tuned?  Orange = kernel default or risky setting', 56),
      lib.stat('nf_conntrack_max',
               [0, 57, 5, 5],
               "The table's size limit (global for all namespaces; writable only in the initial namespace). Orange: 262144, the largest kernel default (buckets-based default on a big host): the table was probably never sized for this host. Smaller hosts have smaller defaults (max = buckets on kernel >= 5.15, 4 x buckets before). Runbook: docs/runbooks/ConntrackMaxNotTuned.md",
               [lib.q('max(%s)' % [lib.m('collectd_ctwatch_conntrack', 'type="max"')], 'nf_conntrack_max')])
      + lib.decimals(0)
      + lib.steps([['green', null]])
      + lib.mappings([{ options: { '262144': { color: 'orange', index: 0, text: '262144 (kernel default)' } }, type: 'value' }])
      + lib.runbooks(['ConntrackMaxNotTuned'])
      + lib.options({ textMode: 'auto' }),
      lib.stat('nf_conntrack_buckets',
               [5, 57, 4, 5],
               'Size of the conntrack hash table (global). Kernel >= 5.15 defaults max to 1 x buckets. Long hash chains (counter chaintoolong) mean too few buckets for the entries. Runbook: docs/runbooks/ConntrackMaxNotTuned.md',
               [lib.q('max(%s)' % [lib.m('collectd_ctwatch_conntrack', 'type="buckets"')], 'nf_conntrack_buckets')])
      + lib.decimals(0)
      + lib.steps([['blue', null]])
      + lib.runbooks(['ConntrackMaxNotTuned'])
      + lib.options({ colorMode: 'value', textMode: 'auto' }),
      lib.stat('nf_conntrack_tcp_timeout_time_wait',
               [9, 57, 5, 5],
               'How long a closed TCP connection keeps its conntrack entry, per namespace. Orange above 60 s (the kernel default is 120 s; 30-60 s is usually enough). Alert ConntrackTimeWaitTimeoutLong when TIME_WAIT also dominates. Runbook: docs/runbooks/ConntrackTimeWaitTimeoutLong.md',
               [lib.q(lib.m('collectd_ctwatch_duration_seconds', 'type="tcp_timeout_time_wait"'), '{{ctwatch}}')])
      + lib.unit('s')
      + lib.steps([['green', null], ['orange', 61]])
      + lib.mappings([{ options: { '120': { color: 'orange', index: 0, text: '120 s (kernel default)' } }, type: 'value' }])
      + lib.runbooks(['ConntrackTimeWaitTimeoutLong'])
      + lib.options({ textMode: 'auto' }),
      lib.stat('net.ipv4.tcp_tw_reuse',
               [14, 57, 5, 5],
               'Per namespace. 2 (default) = reuse TIME_WAIT ports for loopback only; 0 = never; 1 (orange) = for all outgoing connections, which lets a chatty client open connections faster and fill conntrack tables here and on every stateful hop. Alert ConntrackTcpTwReuseEnabled. Runbook: docs/runbooks/ConntrackTcpTwReuseEnabled.md',
               [lib.q(lib.m('collectd_ctwatch_gauge', 'type="tcp_tw_reuse"'), '{{ctwatch}}')])
      + lib.steps([['green', null]])
      + lib.mappings([{ options: { '0': { color: 'green', index: 0, text: '0 (off)' }, '1': { color: 'orange', index: 1, text: '1 (on for all): review' }, '2': { color: 'green', index: 2, text: '2 (loopback only, default)' } }, type: 'value' }])
      + lib.runbooks(['ConntrackTcpTwReuseEnabled'])
      + lib.options({ textMode: 'auto' }),
      lib.stat('Other conntrack timeouts',
               [19, 57, 5, 5],
               'nf_conntrack_tcp_timeout_established (default 432000 s = 5 days), nf_conntrack_udp_timeout and nf_conntrack_udp_timeout_stream, per namespace. Informational: long timeouts keep idle entries in the table.',
               [lib.q(lib.m('collectd_ctwatch_duration_seconds', 'type=~"tcp_timeout_established|udp_timeout|udp_timeout_stream"'), '{{ctwatch}} {{type}}')])
      + lib.unit('s')
      + lib.steps([['blue', null]])
      + lib.options({ colorMode: 'value', textMode: 'value_and_name' }),
      lib.row('Trend and collector health', 62),
      lib.timeseries('Predicted fill in 4 h (linear fit over the last hour)',
                     [0, 63, 10, 7],
                     'predict_linear over the last hour of entries, 4 hours ahead, divided by nf_conntrack_max: the fit behind the ConntrackTableFillingUp alert (which also needs the table >= 50 % full and growing). Above the red line (100 %) the table is on course to fill within 4 h. Runbook: docs/runbooks/ConntrackTableFillingUp.md',
                     [lib.q('100 * %s' % [lib.fillIn4h], '{{ctwatch}}')])
      + lib.unit('percent')
      + lib.steps([['green', null], ['red', 100]])
      + lib.runbooks(['ConntrackTableFillingUp'])
      + lib.custom({ thresholdsStyle+: { mode: 'dashed' } }),
      lib.timeseries('Census duration',
                     [10, 63, 9, 7],
                     "Wall time of the last census (one ctnetlink dump of the table) per namespace. It grows with the *host's* table size (about 1.2-1.6 us per entry; a dump in any namespace walks the whole host hash table). ctwatch spaces censuses out to stay within CensusBudget, so a long census means less frequent census updates, not a stuck collector.",
                     [lib.q(lib.m('collectd_ctwatch_duration_seconds', 'type="census"'), '{{ctwatch}}')])
      + lib.unit('s')
      + lib.steps([['green', null]]),
      lib.stat('Age of the latest sample',
               [19, 63, 5, 7],
               "Seconds since ctwatch last reported the entry count (collectd's own timestamp). Orange after 1 minute, red after 10 minutes: the ConntrackMetricsAbsent alert fires and every other ctwatch alert is blind for this host. Runbook: docs/runbooks/ConntrackMetricsAbsent.md",
               [lib.q('time() - max %s (timestamp(%s))' % [lib.by('ctwatch'), lib.m('collectd_ctwatch_conntrack', 'type="entries"')], '{{ctwatch}}')])
      + lib.unit('s')
      + lib.decimals(0)
      + lib.noValue('no samples: see ConntrackMetricsAbsent')
      + lib.steps([['green', null], ['orange', 60], ['red', 600]])
      + lib.runbooks(['ConntrackMetricsAbsent'])
      + lib.options({ textMode: 'value_and_name' }),
      lib.bargauge('Who fills the table: top sources (entries held)',
                   [0, 38, 12, 9],
                   'The original-direction source addresses holding the most conntrack entries (plugin option TopPeers, default 5, from the census). A single dominant source is the chatty client of the incident: check it for missing connection pooling.',
                   [lib.q('sort_desc(%s)' % [lib.m('collectd_ctwatch_flow', 'type=~"src-.*"')], '{{ctwatch}} {{type}}')])
      + lib.steps([['blue', null]]),
      lib.bargauge('Who fills the table: top destinations (address:port)',
                   [12, 38, 12, 9],
                   'The original-direction destination address:port pairs holding the most entries (TopPeers). A dominant service port with mostly TIME_WAIT entries means many short connections to it.',
                   [lib.q('sort_desc(%s)' % [lib.m('collectd_ctwatch_flow', 'type=~"dst-.*"')], '{{ctwatch}} {{type}}')])
      + lib.steps([['blue', null]]),
      lib.stat('Full in (at the current growth)',
               [6, 4, 4, 8],
               'Seconds until the table is full at the growth ctwatch measures right now (least-squares trend of its 1 s samples over the last 15 s and 60 s; only growth well above the table\'s own noise counts). "not growing" when it is flat or shrinking. ConntrackTableFillingFast pages below 5 minutes while the table is at least half full. Runbook: docs/runbooks/ConntrackTableFillingFast.md',
               [lib.q('clamp_max(%s, 31536000)' % [lib.m('collectd_ctwatch_duration_seconds', 'type="time_to_full"')], '{{ctwatch}}')])
      + lib.unit('s')
      + lib.decimals(0)
      + lib.steps([['red', null], ['orange', 300], ['green', 3600]])
      + lib.mappings([{ options: { from: 31536000, result: { color: 'green', index: 0, text: 'not growing' }, to: 31536001 }, type: 'range' }])
      + lib.runbooks(['ConntrackTableFillingFast'])
      + lib.options({ textMode: 'auto' }),
      lib.row('Monitor health  (is ctwatch itself seeing everything?)', 70),
      lib.stat('Source in use',
               [0, 71, 6, 6],
               'Which source ctwatch reads each namespace with: ctnetlink (everything), or the /proc fallback when ctnetlink is refused (no CAP_NET_ADMIN): counts and counters only, no census, so no TCP states, protocols or top peers. Runbook: docs/runbooks/ConntrackCensusStale.md',
               [lib.q(lib.m('collectd_ctwatch_gauge', 'type="source_netlink"'), '{{ctwatch}}')])
      + lib.unit('none')
      + lib.steps([['orange', null], ['green', 1]])
      + lib.mappings([{ options: { '0': { color: 'orange', index: 0, text: '/proc fallback (no census)' }, '1': { color: 'green', index: 1, text: 'ctnetlink' } }, type: 'value' }])
      + lib.runbooks(['ConntrackCensusStale'])
      + lib.options({ textMode: 'auto' }),
      lib.stat('Census age',
               [6, 71, 6, 6],
               'Seconds since the census whose values the TCP-state, protocol and top-peer panels show was taken; "never" when none ever succeeded. ConntrackCensusStale warns above ' + ('%g' % c.censusStaleSeconds) + ' s. Runbook: docs/runbooks/ConntrackCensusStale.md',
               [lib.q('clamp_max(%s, 31536000)' % [lib.m('collectd_ctwatch_duration_seconds', 'type="census_age"')], '{{ctwatch}}')])
      + lib.unit('s')
      + lib.decimals(0)
      + lib.steps([['green', null], ['orange', 300], ['red', c.censusStaleSeconds]])
      + lib.mappings([{ options: { from: 31536000, result: { color: 'red', index: 0, text: 'never' }, to: 31536001 }, type: 'range' }])
      + lib.runbooks(['ConntrackCensusStale'])
      + lib.options({ textMode: 'auto' }),
      lib.timeseries('Failed reads per second',
                     [12, 71, 6, 6],
                     "Reads of the namespace that failed, per second (kernel not answering within Timeout, socket errors). collectd's log says why, once, then rarely.",
                     [lib.q('rate(%s[5m])' % [lib.m('collectd_ctwatch_derive_total', 'type="read_failures"')], '{{ctwatch}}')])
      + lib.unit('ops'),
      lib.stat('Namespaces read / not read, censuses deferred',
               [18, 71, 6, 6],
               'Per plugin, for the whole host (not filtered by namespace): namespaces ctwatch read at its last read (the host included), those it knows of but could not read (over MaxNamespaces, out of descriptors, cannot open, reads failing: ConntrackNamespaceUnsampled fires after 5 min), and censuses postponed by CensusBudget per hour.',
               [
                 lib.q('max(%s)' % [lib.mHost('collectd_ctwatch_gauge', 'type="namespaces_sampled"')], 'read'),
                 lib.q('max(%s)' % [lib.mHost('collectd_ctwatch_gauge', 'type="namespaces_unsampled"')], 'not read'),
                 lib.q('sum(increase(%s[1h]))' % [lib.mHost('collectd_ctwatch_derive_total', 'type="censuses_deferred"')], 'censuses deferred / h'),
               ])
      + lib.steps([['green', null]])
      + lib.overrides([
        lib.byName('not read', [lib.prop('thresholds', { mode: 'absolute', steps: [{ color: 'green', value: null }, { color: 'orange', value: 1 }] })]),
      ])
      + lib.runbooks(['ConntrackNamespaceUnsampled'])
      + lib.options({ textMode: 'auto' }),
      lib.timeseries('Assured and unreplied entries by protocol',
                     [0, 47, 12, 9],
                     'From the census (CTA_STATUS): assured entries (IPS_ASSURED: early drop never evicts them) and unreplied entries (no reply seen, conntrack -L [UNREPLIED]) per protocol. Many unreplied entries: a SYN flood or scan, a dead backend, or an unanswered UDP service (VXLAN, DNS); they are what early drop can evict when the table is full.',
                     [lib.q('sum %s (%s)' % [lib.by('type'), lib.m('collectd_ctwatch_conntrack', 'type=~".*-(assured|unreplied)"')], '{{type}}')])
      + lib.unit('short')
      + lib.steps([['green', null]])
      + lib.overrides([
        lib.byRegexp('.*-unreplied$', [lib.prop('custom.lineStyle', { dash: [10, 10], fill: 'dash' })]),
      ])
      + lib.options({ legend+: { calcs: ['lastNotNull'] } }),
      lib.bargauge('Who holds the unreplied entries: top sources',
                   [12, 47, 6, 9],
                   'The original-direction sources holding the most unreplied entries (no reply seen), from the census (TopPeers). One dominant source: a scanner, a SYN flood, or a client retrying a dead backend.',
                   [lib.q('sort_desc(%s)' % [lib.m('collectd_ctwatch_flow', 'type=~"unreplied-src-.*"')], '{{ctwatch}} {{type}}')])
      + lib.steps([['purple', null]]),
      lib.bargauge('Who holds the unreplied entries: top destinations',
                   [18, 47, 6, 9],
                   'The destination address:port pairs with the most unreplied entries: a dead backend, a service that does not answer (UDP), or the target of a flood.',
                   [lib.q('sort_desc(%s)' % [lib.m('collectd_ctwatch_flow', 'type=~"unreplied-dst-.*"')], '{{ctwatch}} {{type}}')])
      + lib.steps([['purple', null]]),
      lib.timeseries('Why packets drop: the causes, as ctwatch names them',
                     [12, 21, 12, 7],
                     'Packets dropped per second by cause, in the words of the CLI findings and the alerts: Table full (drop: the table is at nf_conntrack_max and early drop found nothing to evict; ConntrackPacketsDropped), Insert clashes not resolved (insert_failed beyond chaintoolong; ConntrackInsertClashesUnresolved), Hash chains too long (chaintoolong, kernel >= 5.15; ConntrackHashChainsTooLong). A counter the kernel does not have is absent, never 0. Runbook: docs/runbooks/ConntrackPacketsDropped.md',
                     [
                       lib.q('sum %s (rate(%s[$__rate_interval]))' % [lib.by('ctwatch'), lib.m('collectd_ctwatch_errors_total', 'type="drop"')], '{{ctwatch}} Table full'),
                       lib.q('clamp_min(sum %s (rate(%s[$__rate_interval])) - (sum %s (rate(%s[$__rate_interval])) or 0 * sum %s (rate(%s[$__rate_interval]))), 0)' % [lib.by('ctwatch'), lib.m('collectd_ctwatch_errors_total', 'type="insert_failed"'), lib.by('ctwatch'), lib.m('collectd_ctwatch_errors_total', 'type="chaintoolong"'), lib.by('ctwatch'), lib.m('collectd_ctwatch_errors_total', 'type="insert_failed"')], '{{ctwatch}} Insert clashes not resolved'),
                       lib.q('sum %s (rate(%s[$__rate_interval]))' % [lib.by('ctwatch'), lib.m('collectd_ctwatch_errors_total', 'type="chaintoolong"')], '{{ctwatch}} Hash chains too long'),
                     ])
      + lib.unit('suffix:/s')
      + lib.steps([['transparent', null], ['red', 1e-06]])
      + lib.runbooks(['ConntrackPacketsDropped', 'ConntrackInsertClashesUnresolved', 'ConntrackHashChainsTooLong'])
      + lib.custom({ thresholdsStyle+: { mode: 'area' } }),
    ],
  )
