// rules/alertmanager/alertmanager.example.yml: the example Alertmanager
// routing, rendered from the mixin so it follows _config (c) and the alerts
// (rules: the rendered alerting rules).  The severity lists are the alerts'
// own labels; with showMultiCluster every group_by and every inhibit rule's
// `equal` carries the cluster label, so hosts of the same name in two
// clusters are neither grouped into one notification nor inhibit each other.
function(c, rules)
  local bySeverity(s) = [r.alert for r in rules if std.objectHas(r, 'alert') && r.labels.severity == s];
  // Names after the receiver column, wrapped at 79 columns.
  local wrap(names, first, rest) =
    std.foldl(function(acc, n)
                local last = acc[std.length(acc) - 1];
                if std.length(last) + std.length(n) + 2 > 79 && std.length(last) > std.length(rest)
                then acc[:std.length(acc) - 1] + [last + ','] + [rest + n]
                else acc[:std.length(acc) - 1] + [last + (if std.endsWith(last, ' ') then '' else ', ') + n],
              names,
              [first]);
  local block(sev, receiver, why) =
    local col = '#                        ';
    std.join('\n', wrap(bySeverity(sev), '#   %-8s -> %-8s' % [sev, receiver] + ' ', col) + [col + l for l in why]) + '\n';
  local cl = if c.showMultiCluster then [c.clusterLabel] else [];
  local list(xs) = '[' + std.join(', ', xs) + ']';
  |||
    # Example Alertmanager configuration for the ctwatch alerts
    # (rules/prometheus/ctwatch.rules.yml). Alertmanager 0.25 syntax.
    #
    %(routing)s%(grouping)s# To use it: merge the `ctwatch` route below into your own routing tree
    # (it only matches alerts named Conntrack*), copy the inhibit_rules, and
    # replace the three receivers with yours. Check the result with
    #   amtool check-config alertmanager.yml
    #   amtool config routes test --config.file=alertmanager.yml severity=critical alertname=ConntrackTableNearlyFull
    # tests/replay/run.sh runs the alert path end to end through this file's
    # route and inhibit_rules (receivers swapped for a local webhook, timers
    # shortened), and tests/replay/check_alertmanager_example.sh checks the
    # routing of every alert in the rule file.

    global:
      # Only used for alerts without an end time; Prometheus always sends one.
      resolve_timeout: 5m

    route:
      # Your existing default receiver; everything that is not a ctwatch alert.
      receiver: chat
      group_by: %(groupTop)s
      routes:
        - matchers: ['alertname =~ "Conntrack.+"']
          receiver: chat               # a ctwatch alert without a known severity
          group_by: %(groupBy)s
          # Prometheus sends an alert only once its `for` has passed, so there
          # is nothing to gain from a long first wait.
          group_wait: 30s
          # A new alert joining an existing group (e.g. the insert_failed series
          # of ConntrackPacketsDropped after the drop series) is sent after this.
          group_interval: 5m
          repeat_interval: 4h
          routes:
            - matchers: ['severity = "critical"']
              receiver: pager
              group_wait: 10s
              repeat_interval: 1h
              # continue: true         # also post pages to chat: uncomment, and
              #                        # give the chat route below no severity
            - matchers: ['severity = "warning"']
              receiver: chat
            - matchers: ['severity = "info"']
              receiver: ticket         # or: none
              repeat_interval: 24h

    inhibit_rules:
      # The table is >= %(pagePercent)s %% full, or filling within minutes, and someone is
      # being paged for it: the
      # "will be full within 4 h" trend and the "max is still the kernel
      # default" hint for the same host and namespace add nothing. (Both come
      # back by themselves if they still hold once the page resolves.)
      - source_matchers: ['alertname =~ "ConntrackTableNearlyFull|ConntrackTableFillingFast"']
        target_matchers: ['alertname =~ "ConntrackTableFillingUp|ConntrackMaxNotTuned"']
        equal: %(equal)s
      # Packets are being dropped (page): that the kernel also evicted
      # unassured entries to make room (early_drop, a warning) is implied.
      - source_matchers: ['alertname = "ConntrackPacketsDropped"']
        target_matchers: ['alertname = "ConntrackEarlyDrops"']
        equal: %(equal)s
      # Deliberately NOT inhibited: ConntrackTimeWaitDominant (the likely root
      # cause, see docs/runbooks/ConntrackTimeWaitDominant.md, belongs next to
      # the page) and ConntrackTimeWaitTimeoutLong / ConntrackTcpTwReuseEnabled
      # (the fixes).

    receivers:
      - name: pager
        pagerduty_configs:
          - routing_key: REPLACE-WITH-YOUR-PAGERDUTY-EVENTS-V2-INTEGRATION-KEY
            send_resolved: true
            severity: critical
            description: '{{ .CommonAnnotations.summary }}'
            details:
              description: '{{ .CommonAnnotations.description }}'
              firing: '{{ .Alerts.Firing | len }}'
            links:
              - href: '{{ .CommonAnnotations.runbook_url }}'
                text: runbook

      - name: chat
        slack_configs:
          - api_url: https://hooks.slack.com/services/REPLACE/WITH/YOURS
            channel: '#ops-network'
            send_resolved: true
            title: '[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }} on {{ .CommonLabels.instance }} ({{ .CommonLabels.ctwatch }})%(titleCluster)s'
            title_link: '{{ .CommonAnnotations.runbook_url }}'
            text: >-
              {{ range .Alerts }}{{ .Annotations.summary }}
              {{ .Annotations.description }}
              {{ end }}

      - name: ticket
        webhook_configs:
          # e.g. a bridge into your ticket system; it receives Alertmanager's
          # webhook JSON (version 4) by POST.
          - url: http://ticket-bridge.example.internal/alertmanager
            send_resolved: false

      # A receiver without any *_configs drops what is routed to it.
      - name: none
  ||| % {
    routing:
      '# Routing by the `severity` label every ctwatch alert carries:\n'
      + block('critical', 'pager', ['(connections are, or are about to be, silently dropped)'])
      + block('warning', 'chat', [])
      + block('info', 'ticket', [
        '(tuning hints, for office hours; route them to `none` to',
        'drop them instead)',
      ])
      + '#\n',
    grouping:
      if c.showMultiCluster then
        '# Grouping: one notification per alert name, cluster (`%s`), host\n' % c.clusterLabel
        + '# (`instance`) and network namespace (`ctwatch`). A full table in two\n'
        + '# namespaces of one host, on two hosts, or on two hosts of the same name in\n'
        + '# two clusters, gives two pages; the `drop` and `insert_failed` series of\n'
        + '# ConntrackPacketsDropped for one namespace share one. Inhibition also\n'
        + '# matches on `%s`.\n#\n' % c.clusterLabel
      else
        '# Grouping: one notification per alert name, host (`instance`) and network\n'
        + '# namespace (`ctwatch`). A full table in two namespaces of one host, or on\n'
        + '# two hosts, gives two pages; the `drop` and `insert_failed` series of\n'
        + '# ConntrackPacketsDropped for one namespace share one.  (Several clusters\n'
        + "# with the same host names: set showMultiCluster in the mixin's _config.)\n#\n",
    groupTop: list(['alertname'] + cl + ['instance']),
    groupBy: list(['alertname'] + cl + ['instance', 'ctwatch']),
    equal: list(cl + ['instance', 'ctwatch']),
    titleCluster: if c.showMultiCluster then ' in {{ .CommonLabels.%s }}' % c.clusterLabel else '',
    pagePercent: c.fillPagePercentText,
  }
