// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// The <Plugin ctwatch> block, as a plain tree (copied from collectd's
// oconfig_item_t by the adapter) and the validated Config it parses into.
//
// Unknown keys and bad values are errors naming the key and the value, and
// the config callback fails, so collectd refuses to start (configfile.c
// aborts on a failing plugin config) and `collectd -T` reports the typo.
// (`collectd -t` on Debian's 5.12.0 never parses the config at all, collectd
// issue #3216, so it cannot catch anything.)

#include <cstddef>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/result.hpp"

namespace ctwatch::core {

using ConfigValue = std::variant<std::string, double, bool>;

struct ConfigItem {
  std::string key;
  std::vector<ConfigValue> values;
  std::vector<ConfigItem> children;
};

enum class SourceMode : std::uint8_t { Auto, Netlink, Proc };

struct NamespaceConfig {
  std::string name;  // plugin_instance label
  std::string path;  // e.g. /var/run/netns/web
};

// The label of the namespace collectd itself runs in.
inline constexpr std::string_view kHostLabel = "host";

struct Config {
  bool census = true;
  double census_interval = 30;  // seconds, minimum spacing of one namespace's censuses
  double census_budget = 1.0;   // percent of one CPU
  std::vector<NamespaceConfig> namespaces;
  std::optional<std::string> namespace_dir;
  bool namespace_census = false;
  SourceMode source = SourceMode::Auto;
  double timeout = 2;  // seconds
  // TopPeers: how many top sources and destinations each census reports
  // (0..1000, 0 = off). Counted only where the census runs.
  std::size_t top_peers = 5;
  // StatsInterval: seconds between two fast samples of every namespace's
  // entry count (peak and time to full), independent of collectd's
  // Interval; 0 = only the read's own sample.
  double stats_interval = 1;
  // MaxNamespaces: how many namespaces besides the host ctwatch samples at
  // most (each holds one descriptor, its netlink socket); 0 = automatic:
  // half of the process's soft RLIMIT_NOFILE, so collectd and its other
  // plugins keep the other half whatever NamespaceDir holds.
  std::size_t max_namespaces = 0;
};

Result<Config> parse_config(const ConfigItem& block);

// Namespace names become collectd plugin_instance values and Prometheus label
// values: 1..63 chars of [A-Za-z0-9_.-], not "host".
bool valid_namespace_label(std::string_view name);

}  // namespace ctwatch::core
