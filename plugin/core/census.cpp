// SPDX-License-Identifier: GPL-2.0-only
#include "core/census.hpp"

#include <linux/netfilter/nfnetlink_conntrack.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

namespace ctwatch::core {
namespace {

constexpr std::array<std::string_view, kTcpStateCount> kTcpStates{
    "NONE",     "SYN_SENT", "SYN_RECV",  "ESTABLISHED", "FIN_WAIT",
    "CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE",       "SYN_SENT2"};

constexpr std::array<std::string_view, kL4Count> kL4Names{
    "tcp", "udp", "icmp", "icmpv6", "sctp", "dccp", "gre", "udplite", "other"};

// CTA_PROTO_NUM inside CTA_TUPLE_PROTO inside a tuple. The walks stop at
// what they find: CTA_TUPLE_PROTO follows CTA_TUPLE_IP (ctnetlink_dump_tuples())
// and CTA_PROTO_NUM is its first attribute (ctnetlink_dump_tuples_proto()),
// so the ports and the zone are skipped. Correctness does not depend on the
// order, only the time saved.
std::optional<std::uint8_t> tuple_proto(Bytes tuple, bool& ok) {
  const auto proto = find_attr(tuple, CTA_TUPLE_PROTO, ok);
  if (!proto) return std::nullopt;
  const auto num = find_attr(*proto, CTA_PROTO_NUM, ok);
  return num ? attr_u8(*num) : std::nullopt;
}

// CTA_PROTOINFO_TCP_STATE, the first attribute of CTA_PROTOINFO_TCP
// (tcp_to_nlattr() in net/netfilter/nf_conntrack_proto_tcp.c): the window
// scales and flags after it are skipped.
std::optional<std::uint8_t> tcp_state(Bytes protoinfo, bool& ok) {
  const auto tcp = find_attr(protoinfo, CTA_PROTOINFO_TCP, ok);
  if (!tcp) return std::nullopt;
  const auto state = find_attr(*tcp, CTA_PROTOINFO_TCP_STATE, ok);
  return state ? attr_u8(*state) : std::nullopt;
}

}  // namespace

std::string_view tcp_state_name(std::size_t state) {
  return state < kTcpStateCount ? kTcpStates[state] : std::string_view{};
}

std::string_view l4_name(L4 p) { return kL4Names[static_cast<std::size_t>(p)]; }

L4 l4_from_ipproto(std::uint8_t ipproto) {
  switch (ipproto) {
    case IPPROTO_TCP: return L4::Tcp;
    case IPPROTO_UDP: return L4::Udp;
    case IPPROTO_ICMP: return L4::Icmp;
    case IPPROTO_ICMPV6: return L4::Icmpv6;
    case IPPROTO_SCTP: return L4::Sctp;
    case IPPROTO_DCCP: return L4::Dccp;
    case IPPROTO_GRE: return L4::Gre;
    case IPPROTO_UDPLITE: return L4::Udplite;
    default: return L4::Other;
  }
}

namespace {

// The original tuple as the peer census needs it.
struct OrigTuple {
  std::optional<std::uint8_t> proto;
  PeerKey src;
  PeerKey dst;
  bool has_src = false;
  bool has_dst = false;
};

// An address attribute of the wrong size is treated as absent, like every
// fixed-size payload (see attr_u8 in netlink.hpp).
void set_addr(PeerKey& k, bool& has, std::uint8_t family, Bytes p, std::size_t len) {
  if (p.size() != len) return;
  k.family = family;
  std::memcpy(k.addr.data(), p.data(), len);
  has = true;
}

// CTA_TUPLE_IP and CTA_TUPLE_PROTO of a tuple (ctnetlink_dump_tuples() in
// net/netfilter/nf_conntrack_netlink.c).
void tuple_peers(Bytes tuple, OrigTuple& t, bool& ok) {
  ok = ok && for_each_attr(tuple, [&](const Attr& a) {
    if (a.type == CTA_TUPLE_IP) {
      ok = ok && for_each_attr(a.payload, [&](const Attr& ip) {
        switch (ip.type) {
          case CTA_IP_V4_SRC: set_addr(t.src, t.has_src, AF_INET, ip.payload, 4); break;
          case CTA_IP_V4_DST: set_addr(t.dst, t.has_dst, AF_INET, ip.payload, 4); break;
          case CTA_IP_V6_SRC: set_addr(t.src, t.has_src, AF_INET6, ip.payload, 16); break;
          case CTA_IP_V6_DST: set_addr(t.dst, t.has_dst, AF_INET6, ip.payload, 16); break;
          default: break;
        }
      });
    } else if (a.type == CTA_TUPLE_PROTO) {
      ok = ok && for_each_attr(a.payload, [&](const Attr& p) {
        if (p.type == CTA_PROTO_NUM) {
          t.proto = attr_u8(p.payload);
        } else if (p.type == CTA_PROTO_DST_PORT) {
          // nla_put_be16 (nf_ct_port_tuple_to_nlattr); GRE puts its key here.
          if (const auto port = attr_be16(p.payload)) t.dst.port = *port;
        }
      });
    }
  });
}

template <bool kPeers, bool kStatus>
bool census_add_impl(Census& c, Bytes msg, PeerTally* peers) {
  const auto nf = split_nfgenmsg(msg);
  if (!nf) {
    ++c.malformed;
    return false;
  }
  bool ok = true;
  std::optional<std::uint8_t> proto;
  std::optional<std::uint8_t> state;
  std::optional<std::uint32_t> status;
  [[maybe_unused]] OrigTuple t;
  ok = for_each_attr(nf->attrs, [&](const Attr& a) {
    if (a.type == CTA_TUPLE_ORIG) {
      if constexpr (kPeers) {
        tuple_peers(a.payload, t, ok);
        proto = t.proto;
      } else {
        proto = tuple_proto(a.payload, ok);
      }
    } else if (kStatus && a.type == CTA_STATUS) {
      status = attr_be32(a.payload);
    } else if (a.type == CTA_PROTOINFO) {
      state = tcp_state(a.payload, ok);
    }
  }) && ok;
  if (!ok || !proto) {
    ++c.malformed;
    return false;
  }
  ++c.entries;
  const L4 l4 = l4_from_ipproto(*proto);
  const auto li = static_cast<std::size_t>(l4);
  ++c.protocols[li];
  const bool unreplied = status && !(*status & kIpsSeenReply);
  if (status) {
    c.assured[li] += (*status & kIpsAssured) ? 1 : 0;
    c.unreplied[li] += unreplied ? 1 : 0;
  }
  const bool tcp_state_known = l4 == L4::Tcp && state && *state < kTcpStateCount;
  if (tcp_state_known) ++c.tcp_states[*state];
  if constexpr (kPeers) {
    const bool time_wait = tcp_state_known && *state == kTcpTimeWait;
    peers->add(t.has_src ? &t.src : nullptr, t.has_dst ? &t.dst : nullptr, time_wait, unreplied);
  }
  return true;
}

}  // namespace

bool census_add(Census& c, Bytes msg, PeerTally* peers) {
  return peers ? census_add_impl<true, true>(c, msg, peers) : census_add_impl<false, true>(c, msg, nullptr);
}

bool census_add_without_status(Census& c, Bytes msg, PeerTally* peers) {
  return peers ? census_add_impl<true, false>(c, msg, peers) : census_add_impl<false, false>(c, msg, nullptr);
}

}  // namespace ctwatch::core
