// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// Snapshot -> the metric contract (docs/metrics.md). Pure, so the contract
// is unit-tested without collectd; the adapter copies each Metric into a
// value_list_t with plugin "ctwatch" and plugin_instance = namespace label.
//
// Only types from collectd's stock types.db are used (conntrack, percent,
// tcp_connections, current_connections, errors, operations, duration, gauge,
// flow), so users never add a TypesDB line (which would replace the default
// one).
//
// Top peers (census with TopPeers > 0) become type "flow" (value:GAUGE) with
// type_instance "src-<address>" and "dst-<address>:<port>" ("dst-[v6]:port"),
// the N largest of each, sources first, each list in rank order; then the
// same for unreplied entries ("unreplied-src-...", "unreplied-dst-...").
// The status census is type "conntrack" with "<protocol>-assured" and
// "<protocol>-unreplied". The longest, an unreplied IPv6 endpoint, is 61
// characters: far below collectd's 127
// (DATA_MAX_NAME_LEN - 1).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/snapshot.hpp"

namespace ctwatch::core {

enum class ValueKind : std::uint8_t { Gauge, Derive };

struct Metric {
  std::string_view type;  // collectd type (types.db)
  std::string type_instance;
  ValueKind kind = ValueKind::Gauge;
  double gauge = 0;         // when kind == Gauge
  std::int64_t derive = 0;  // when kind == Derive
  double interval = 0;      // seconds; 0 = the plugin's read interval
};

std::vector<Metric> to_metrics(const Snapshot& s);

// What the plugin says about itself at each read, whatever the namespaces,
// so an alert can tell "this host's ctwatch cannot see some namespaces"
// without knowing their names. The adapter dispatches it with the host
// namespace's plugin_instance.
struct PluginHealth {
  std::uint64_t namespaces_sampled = 0;    // read this time (the host included)
  std::uint64_t namespaces_unsampled = 0;  // known, but not read this time (limit, open or read failure)
  std::uint64_t censuses_deferred = 0;     // monotonic: due censuses postponed by CensusBudget
};

std::vector<Metric> to_metrics(const PluginHealth& h);

}  // namespace ctwatch::core
