// SPDX-License-Identifier: GPL-2.0-only
#include "core/config.hpp"
#include "core/config_values.hpp"

#include <cmath>
#include <cctype>
#include <cerrno>
#include <cstdio>

namespace ctwatch::core {
namespace config_detail {

std::string describe(const ConfigValue& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return "\"" + *s + "\"";
  if (const auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%g", std::get<double>(v));
  return buf;
}

std::string describe(const ConfigItem& item) {
  std::string s;
  for (const auto& v : item.values) s += (s.empty() ? "" : " ") + describe(v);
  return s.empty() ? "(no value)" : s;
}

Error bad(const ConfigItem& item, std::string_view why) {
  return Error{EINVAL, "option \"" + item.key + "\": invalid value " + describe(item) + ": " + std::string(why)};
}

// Keys are case-insensitive in collectd (strcasecmp in every plugin).
bool key_is(const ConfigItem& item, std::string_view key) {
  if (item.key.size() != key.size()) return false;
  for (std::size_t i = 0; i < key.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(item.key[i])) != std::tolower(static_cast<unsigned char>(key[i])))
      return false;
  return true;
}

Result<bool> get_bool(const ConfigItem& item) {
  if (item.values.size() == 1)
    if (const auto* b = std::get_if<bool>(&item.values[0])) return *b;
  return bad(item, "expected true or false");
}

Result<double> get_number(const ConfigItem& item, double min, double max) {
  if (item.values.size() == 1)
    if (const auto* d = std::get_if<double>(&item.values[0])) {
      if (std::isfinite(*d) && *d >= min && *d <= max) return *d;
      char buf[96];
      std::snprintf(buf, sizeof buf, "expected a number from %g to %g", min, max);
      return bad(item, buf);
    }
  return bad(item, "expected a number");
}

Result<std::string> get_string(const ConfigItem& item) {
  if (item.values.size() == 1)
    if (const auto* s = std::get_if<std::string>(&item.values[0])) {
      if (!s->empty()) return *s;
    }
  return bad(item, "expected one non-empty quoted string");
}

std::optional<std::string> string_at(const ConfigItem& item, std::size_t i) {
  if (i >= item.values.size() || item.values[i].index() != 0) return std::nullopt;
  return std::get<std::string>(item.values[i]);
}

}  // namespace config_detail
using namespace config_detail;

bool valid_namespace_label(std::string_view name) {
  if (name.empty() || name.size() > 63 || name == kHostLabel) return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-')) return false;
  return true;
}

Result<Config> parse_config(const ConfigItem& block) {
  Config cfg;
  for (const ConfigItem& item : block.children) {
    if (!item.children.empty()) return bad(item, "blocks are not supported here");
    if (key_is(item, "Census")) {
      auto v = get_bool(item);
      if (!v) return v.error();
      cfg.census = *v;
    } else if (key_is(item, "CensusInterval")) {
      auto v = get_number(item, 1, 86400);
      if (!v) return v.error();
      cfg.census_interval = *v;
    } else if (key_is(item, "CensusBudget")) {
      auto v = get_number(item, 0.01, 100);
      if (!v) return v.error();
      cfg.census_budget = *v;
    } else if (key_is(item, "NamespaceCensus")) {
      auto v = get_bool(item);
      if (!v) return v.error();
      cfg.namespace_census = *v;
    } else if (key_is(item, "Timeout")) {
      auto v = get_number(item, 0.01, 60);
      if (!v) return v.error();
      cfg.timeout = *v;
    } else if (key_is(item, "MaxNamespaces")) {
      auto v = get_number(item, 0, 65536);
      if (!v) return v.error();
      if (*v != std::floor(*v)) return bad(item, "expected a whole number from 0 (automatic) to 65536");
      cfg.max_namespaces = static_cast<std::size_t>(*v);
    } else if (key_is(item, "TopPeers")) {
      auto v = get_number(item, 0, 1000);
      if (!v) return v.error();
      if (*v != std::floor(*v)) return bad(item, "expected a whole number from 0 to 1000");
      cfg.top_peers = static_cast<std::size_t>(*v);
    } else if (key_is(item, "StatsInterval")) {
      auto v = get_number(item, 0, 60);
      if (!v) return v.error();
      if (*v != 0 && *v < 0.25) return bad(item, "expected 0 (off) or a number from 0.25 to 60");
      cfg.stats_interval = *v;
    } else if (key_is(item, "Source")) {
      auto v = get_string(item);
      if (!v) return v.error();
      if (*v == "auto") cfg.source = SourceMode::Auto;
      else if (*v == "netlink") cfg.source = SourceMode::Netlink;
      else if (*v == "proc") cfg.source = SourceMode::Proc;
      else return bad(item, "expected \"auto\", \"netlink\" or \"proc\"");
    } else if (key_is(item, "NamespaceDir")) {
      auto v = get_string(item);
      if (!v) return v.error();
      if (v->front() != '/') return bad(item, "expected an absolute path");
      if (cfg.namespace_dir) return bad(item, "NamespaceDir given twice");
      cfg.namespace_dir = *v;
    } else if (key_is(item, "Namespace")) {
      const auto name = string_at(item, 0);
      const auto path = string_at(item, 1);
      if (item.values.size() != 2 || !name || !path) return bad(item, "expected two quoted strings: a name and a path");
      if (!valid_namespace_label(*name))
        return bad(item, "the name must be 1-63 characters of [A-Za-z0-9_.-] and not \"host\"");
      if (path->empty() || path->front() != '/') return bad(item, "the path must be absolute");
      for (const auto& n : cfg.namespaces)
        if (n.name == *name) return bad(item, "this name is already used by another Namespace");
      cfg.namespaces.push_back({*name, *path});
    } else {
      return Error{
          EINVAL,
          "unknown option \"" + item.key + "\" (value " + describe(item) +
              "); known options: Census, CensusInterval, CensusBudget, "
              "MaxNamespaces, Namespace, NamespaceDir, NamespaceCensus, Source, StatsInterval, Timeout, TopPeers"};
    }
  }
  return cfg;
}

}  // namespace ctwatch::core
