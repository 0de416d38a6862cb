// SPDX-License-Identifier: GPL-2.0-only
#include "core/metrics.hpp"

#include <array>

namespace ctwatch::core {
namespace {

Metric gauge(std::string_view type, std::string_view inst, double v, double interval = 0) {
  return Metric{type, std::string(inst), ValueKind::Gauge, v, 0, interval};
}

constexpr std::array<std::string_view, kTunableCount> kTunableNames{
    "buckets", "tcp_timeout_time_wait", "tcp_timeout_established", "udp_timeout", "udp_timeout_stream", "tcp_tw_reuse"};

std::string_view tunable_type(Tunable t) {
  switch (t) {
    case Tunable::Buckets: return "conntrack";
    case Tunable::TcpTwReuse: return "gauge";
    default: return "duration";
  }
}

}  // namespace

std::vector<Metric> to_metrics(const Snapshot& s) {
  std::vector<Metric> out;
  out.reserve(48);
  if (s.entries) out.push_back(gauge("conntrack", "entries", static_cast<double>(*s.entries)));
  if (s.max_entries) out.push_back(gauge("conntrack", "max", static_cast<double>(*s.max_entries)));
  if (s.peak_entries) out.push_back(gauge("conntrack", "peak", static_cast<double>(*s.peak_entries)));
  // +infinity ("not growing") goes out as is: write_prometheus prints +Inf,
  // and no `< N` threshold mistakes it for soon.
  if (s.seconds_to_full) out.push_back(gauge("duration", "time_to_full", *s.seconds_to_full));
  // Which source is in use: 1 ctnetlink, 0 the /proc fallback (no census).
  out.push_back(gauge("gauge", "source_netlink", s.source == Source::Netlink ? 1.0 : 0.0));
  out.push_back(Metric{"derive", "read_failures", ValueKind::Derive, 0, static_cast<std::int64_t>(s.read_failures), 0});
  if (s.census_age) out.push_back(gauge("duration", "census_age", *s.census_age));
  if (s.entries && s.max_entries && *s.max_entries > 0)
    out.push_back(
        gauge("percent", "used", 100.0 * static_cast<double>(*s.entries) / static_cast<double>(*s.max_entries)));

  for (std::size_t i = 0; i < kTunableCount; ++i) {
    if (!s.tunables[i]) continue;
    const auto t = static_cast<Tunable>(i);
    out.push_back(gauge(tunable_type(t), kTunableNames[i], static_cast<double>(*s.tunables[i])));
  }

  for (std::size_t i = 0; i < kCounterCount; ++i) {
    if (!s.counters[i]) continue;
    const auto c = static_cast<Counter>(i);
    // DERIVE is int64_t; totals start at the kernel's u32 sums and grow by
    // deltas, so they stay far below 2^63.
    out.push_back(Metric{counter_is_error(c) ? "errors" : "operations", std::string(counter_name(c)), ValueKind::Derive,
                         0, static_cast<std::int64_t>(*s.counters[i]), 0});
  }

  if (s.census) {
    const CensusSample& cs = *s.census;
    const double iv = cs.interval_seconds;
    for (std::size_t st = 0; st < kTcpStateCount; ++st)
      out.push_back(gauge("tcp_connections", tcp_state_name(st), static_cast<double>(cs.census.tcp_states[st]), iv));
    for (std::size_t p = 0; p < kL4Count; ++p)
      out.push_back(
          gauge("current_connections", l4_name(static_cast<L4>(p)), static_cast<double>(cs.census.protocols[p]), iv));
    // Status census: "<protocol>-assured", "<protocol>-unreplied" as stock
    // type "conntrack" (entries, value:GAUGE), next to entries/max/peak --
    // not current_connections: an entry is assured, unreplied or neither, so
    // under the protocol totals' family they would break
    // `sum(current_connections) == entries`; and not "count", whose
    // Prometheus name ends in _count (promtool: reserved for summaries).
    for (std::size_t p = 0; p < kL4Count; ++p) {
      const std::string name(l4_name(static_cast<L4>(p)));
      out.push_back(gauge("conntrack", name + "-assured", static_cast<double>(cs.census.assured[p]), iv));
      out.push_back(gauge("conntrack", name + "-unreplied", static_cast<double>(cs.census.unreplied[p]), iv));
    }
    out.push_back(gauge("duration", "census", cs.wall_seconds, iv));
    // Top peers: the set of type_instances follows the table, so series
    // appear and disappear as peers change; collectd's cache expires a
    // series not dispatched for two intervals (here: two census intervals).
    if (const auto& tp = cs.census.top_peers) {
      for (const PeerCount& p : tp->sources.top)
        out.push_back(gauge("flow", "src-" + format_address(p.key), static_cast<double>(p.count), iv));
      for (const PeerCount& p : tp->destinations.top)
        out.push_back(gauge("flow", "dst-" + format_endpoint(p.key), static_cast<double>(p.count), iv));
      // Who holds the unreplied entries (SYN floods, UDP to dead backends).
      if (tp->unreplied_sources)
        for (const PeerCount& p : tp->unreplied_sources->top)
          out.push_back(gauge("flow", "unreplied-src-" + format_address(p.key), static_cast<double>(p.count), iv));
      if (tp->unreplied_destinations)
        for (const PeerCount& p : tp->unreplied_destinations->top)
          out.push_back(gauge("flow", "unreplied-dst-" + format_endpoint(p.key), static_cast<double>(p.count), iv));
    }
  }
  return out;
}

std::vector<Metric> to_metrics(const PluginHealth& h) {
  return {
      gauge("gauge", "namespaces_sampled", static_cast<double>(h.namespaces_sampled)),
      gauge("gauge", "namespaces_unsampled", static_cast<double>(h.namespaces_unsampled)),
      Metric{"derive", "censuses_deferred", ValueKind::Derive, 0, static_cast<std::int64_t>(h.censuses_deferred), 0}};
}

}  // namespace ctwatch::core
