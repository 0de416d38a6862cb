// SPDX-License-Identifier: GPL-2.0-only
#include "core/stats.hpp"

#include <linux/netfilter/nfnetlink_conntrack.h>

namespace ctwatch::core {
namespace {

struct CounterInfo {
  std::string_view name;
  bool error;
  std::uint16_t cta;  // CTA_STATS_* attribute type
};

constexpr std::array<CounterInfo, kCounterCount> kCounters{{
    {"found", false, CTA_STATS_FOUND},
    {"invalid", true, CTA_STATS_INVALID},
    {"insert", false, CTA_STATS_INSERT},
    {"insert_failed", true, CTA_STATS_INSERT_FAILED},
    {"drop", true, CTA_STATS_DROP},
    {"early_drop", true, CTA_STATS_EARLY_DROP},
    {"error", true, CTA_STATS_ERROR},
    {"search_restart", false, CTA_STATS_SEARCH_RESTART},
    {"clash_resolve", false, CTA_STATS_CLASH_RESOLVE},
    {"chaintoolong", true, CTA_STATS_CHAIN_TOOLONG},
}};

// CTA_STATS_* -> Counter index, or -1 for fields we do not report.
constexpr std::array<int, CTA_STATS_MAX + 1> kByAttr = [] {
  std::array<int, CTA_STATS_MAX + 1> a{};
  for (auto& x : a) x = -1;
  for (std::size_t i = 0; i < kCounters.size(); ++i) a[kCounters[i].cta] = static_cast<int>(i);
  return a;
}();

}  // namespace

std::string_view counter_name(Counter c) { return kCounters[static_cast<std::size_t>(c)].name; }
bool counter_is_error(Counter c) { return kCounters[static_cast<std::size_t>(c)].error; }

std::uint16_t ctnetlink_type(std::uint8_t ipctnl_msg) {
  return static_cast<std::uint16_t>((NFNL_SUBSYS_CTNETLINK << 8) | ipctnl_msg);
}

std::optional<GlobalStats> decode_stats_global(Bytes msg) {
  const auto nf = split_nfgenmsg(msg);
  if (!nf) return std::nullopt;
  GlobalStats s;
  const bool ok = for_each_attr(nf->attrs, [&](const Attr& a) {
    if (a.type == CTA_STATS_GLOBAL_ENTRIES) s.entries = attr_be32(a.payload);
    else if (a.type == CTA_STATS_GLOBAL_MAX_ENTRIES) s.max_entries = attr_be32(a.payload);
  });
  if (!ok) return std::nullopt;
  return s;
}

std::optional<CpuStats> decode_stats_cpu(Bytes msg) {
  const auto nf = split_nfgenmsg(msg);
  if (!nf) return std::nullopt;
  CpuStats s;
  s.cpu = nf->res_id;
  const bool ok = for_each_attr(nf->attrs, [&](const Attr& a) {
    if (a.type < kByAttr.size() && kByAttr[a.type] >= 0)
      s.counters[static_cast<std::size_t>(kByAttr[a.type])] = attr_be32(a.payload);
  });
  if (!ok) return std::nullopt;
  return s;
}

}  // namespace ctwatch::core
