// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// The census: totals of conntrack entries by TCP state and by L4 protocol,
// built from the messages of one IPCTNL_MSG_CT_GET dump.
//
// Only the attributes needed are visited: CTA_TUPLE_ORIG > CTA_TUPLE_PROTO >
// CTA_PROTO_NUM for the protocol, and CTA_PROTOINFO > CTA_PROTOINFO_TCP >
// CTA_PROTOINFO_TCP_STATE for the state (layout produced by
// ctnetlink_fill_info() in net/netfilter/nf_conntrack_netlink.c). Nothing is
// allocated per entry.

#include <array>
#include <cstdint>
#include <string_view>

#include "core/netlink.hpp"

namespace ctwatch::core {

// enum tcp_conntrack, include/uapi/linux/netfilter/nf_conntrack_tcp.h.
// (TCP_CONNTRACK_LISTEN is an alias of SYN_SENT2 and never reported.)
inline constexpr std::size_t kTcpStateCount = 10;
std::string_view tcp_state_name(std::size_t state);

enum class L4 : std::uint8_t { Tcp, Udp, Icmp, Icmpv6, Sctp, Dccp, Gre, Udplite, Other };
inline constexpr std::size_t kL4Count = 9;
std::string_view l4_name(L4 p);
L4 l4_from_ipproto(std::uint8_t ipproto);

struct Census {
  std::array<std::uint64_t, kTcpStateCount> tcp_states{};
  std::array<std::uint64_t, kL4Count> protocols{};
  std::uint64_t entries = 0;     // messages counted
  std::uint64_t malformed = 0;   // messages skipped because a length lied
};

// Adds one dump message (payload after the nlmsghdr) to the census.
// Returns false (and counts it in `malformed`) when the message is unusable.
bool census_add(Census& c, Bytes msg);

}  // namespace ctwatch::core
