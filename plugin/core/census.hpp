// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// The census: totals of conntrack entries by TCP state and by L4 protocol,
// built from the messages of one IPCTNL_MSG_CT_GET dump.
//
// Only the attributes needed are visited: CTA_TUPLE_ORIG > CTA_TUPLE_PROTO >
// CTA_PROTO_NUM for the protocol, and CTA_PROTOINFO > CTA_PROTOINFO_TCP >
// CTA_PROTOINFO_TCP_STATE for the state (layout produced by
// ctnetlink_fill_info() in net/netfilter/nf_conntrack_netlink.c). Nothing is
// allocated per entry. Every top-level attribute is bounds-checked; inside a
// nest the walk stops at the attribute it needs (CTA_PROTO_NUM and
// CTA_PROTOINFO_TCP_STATE are the first of theirs), so a lying length after
// it goes unseen: nothing there is read, and the nest's own length was
// checked against the message.
//
// With a PeerTally (TopPeers > 0), the original tuple is read further:
// CTA_TUPLE_IP > CTA_IP_V4_SRC/DST or CTA_IP_V6_SRC/DST, and CTA_TUPLE_PROTO >
// CTA_PROTO_DST_PORT (ports for TCP, UDP, UDP-Lite, SCTP, DCCP; the key for
// GRE; absent, so port 0, for ICMP/ICMPv6 and untracked protocols). Each
// counted entry adds its source address and destination address:port to the
// tally, and to the TIME_WAIT lists when it is a TCP entry in TIME_WAIT.
// Without a tally those attributes are not even visited.
//
// Status census: the top-level CTA_STATUS (nla_put_be32 of ct->status in
// ctnetlink_dump_status(), net/netfilter/nf_conntrack_netlink.c; bits of
// enum ip_conntrack_status in include/uapi/linux/netfilter/nf_conntrack_common.h)
// is read in the same walk: an entry is *assured* when IPS_ASSURED (bit 2) is
// set -- early_drop() and the gc's early drop never evict it -- and
// *unreplied* when IPS_SEEN_REPLY (bit 1) is clear, what `conntrack -L`
// shows as [UNREPLIED]. Counted per L4 protocol. An entry without a
// (well-sized) CTA_STATUS counts in neither. With a tally, unreplied entries
// also go to its unreplied lists.

#include <array>
#include <cstdint>
#include <string_view>

#include "core/netlink.hpp"
#include "core/peers.hpp"

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
  std::array<std::uint64_t, kL4Count> assured{};    // IPS_ASSURED set, per protocol
  std::array<std::uint64_t, kL4Count> unreplied{};  // IPS_SEEN_REPLY clear, per protocol
  std::uint64_t entries = 0;     // messages counted
  std::uint64_t malformed = 0;   // messages skipped because a length lied
  std::optional<TopPeers> top_peers;  // set when the census counted peers
};

// enum tcp_conntrack: TCP_CONNTRACK_TIME_WAIT.
inline constexpr std::size_t kTcpTimeWait = 7;

// enum ip_conntrack_status (include/uapi/linux/netfilter/nf_conntrack_common.h).
inline constexpr std::uint32_t kIpsSeenReply = 1u << 1;  // IPS_SEEN_REPLY_BIT
inline constexpr std::uint32_t kIpsAssured = 1u << 2;    // IPS_ASSURED_BIT

// Adds one dump message (payload after the nlmsghdr) to the census, and its
// peers to `peers` when given. Returns false (and counts it in `malformed`)
// when the message is unusable; such a message adds no peers either.
bool census_add(Census& c, Bytes msg, PeerTally* peers = nullptr);

// The census as it was before the status census: CTA_STATUS is not read, so
// no entry counts as assured or unreplied. Only for bench/ctwatch_bench.cpp,
// which measures what the status census costs; the plugin and the CLI always
// count status.
bool census_add_without_status(Census& c, Bytes msg, PeerTally* peers = nullptr);

}  // namespace ctwatch::core
