// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// Decoders for the two ctnetlink statistics replies:
//   IPCTNL_MSG_CT_GET_STATS      -> CTA_STATS_GLOBAL_* (one message)
//   IPCTNL_MSG_CT_GET_STATS_CPU  -> CTA_STATS_* (a dump, one message per
//                                   possible CPU, the CPU number in res_id)
// See include/uapi/linux/netfilter/nfnetlink_conntrack.h and
// ctnetlink_stat_ct() / ctnetlink_ct_stat_cpu_fill_info() in
// net/netfilter/nf_conntrack_netlink.c.
//
// Absent is not zero: an attribute the running kernel does not send (e.g.
// CTA_STATS_GLOBAL_MAX_ENTRIES before 4.18, CTA_STATS_CLASH_RESOLVE before
// 5.10, CTA_STATS_CHAIN_TOOLONG before 5.15) decodes to std::nullopt.

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/netlink.hpp"

namespace ctwatch::core {

// The per-CPU counters ctwatch reports, in a fixed order. Kernel fields marked
// "no longer used" in the uapi header (searched, new, ignore, delete,
// delete_list) are always 0 and not reported.
enum class Counter : std::uint8_t {
  Found,
  Invalid,
  Insert,
  InsertFailed,
  Drop,
  EarlyDrop,
  Error,
  SearchRestart,
  ClashResolve,   // CTA_STATS_CLASH_RESOLVE, kernel >= 5.10
  ChainTooLong,   // CTA_STATS_CHAIN_TOOLONG, kernel >= 5.15
};
inline constexpr std::size_t kCounterCount = 10;

// snake_case kernel stat name, used as collectd type_instance.
std::string_view counter_name(Counter c);
// True for the counters reported as collectd type "errors" (the rest are
// "operations").
bool counter_is_error(Counter c);

using CounterValues = std::array<std::optional<std::uint32_t>, kCounterCount>;

struct CpuStats {
  std::uint16_t cpu = 0;
  CounterValues counters{};
};

struct GlobalStats {
  std::optional<std::uint32_t> entries;
  std::optional<std::uint32_t> max_entries;
};

// `msg` is the payload after the nlmsghdr (nfgenmsg + attributes).
// nullopt when the message is too short or an attribute length lies.
std::optional<GlobalStats> decode_stats_global(Bytes msg);
std::optional<CpuStats> decode_stats_cpu(Bytes msg);

// The nlmsg_type of ctnetlink replies, for callers that filter messages.
std::uint16_t ctnetlink_type(std::uint8_t ipctnl_msg);

}  // namespace ctwatch::core
