// SPDX-License-Identifier: GPL-2.0-only
#include "core/census.hpp"

#include <linux/netfilter/nfnetlink_conntrack.h>
#include <netinet/in.h>

namespace ctwatch::core {
namespace {

constexpr std::array<std::string_view, kTcpStateCount> kTcpStates{
    "NONE",     "SYN_SENT", "SYN_RECV",  "ESTABLISHED", "FIN_WAIT",
    "CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE",       "SYN_SENT2"};

constexpr std::array<std::string_view, kL4Count> kL4Names{
    "tcp", "udp", "icmp", "icmpv6", "sctp", "dccp", "gre", "udplite", "other"};

// Looks for CTA_PROTO_NUM inside CTA_TUPLE_PROTO inside a tuple.
std::optional<std::uint8_t> tuple_proto(Bytes tuple, bool& ok) {
  std::optional<std::uint8_t> num;
  ok = ok && for_each_attr(tuple, [&](const Attr& a) {
    if (a.type != CTA_TUPLE_PROTO) return;
    ok = ok && for_each_attr(a.payload, [&](const Attr& p) {
      if (p.type == CTA_PROTO_NUM) num = attr_u8(p.payload);
    });
  });
  return num;
}

std::optional<std::uint8_t> tcp_state(Bytes protoinfo, bool& ok) {
  std::optional<std::uint8_t> state;
  ok = ok && for_each_attr(protoinfo, [&](const Attr& a) {
    if (a.type != CTA_PROTOINFO_TCP) return;
    ok = ok && for_each_attr(a.payload, [&](const Attr& t) {
      if (t.type == CTA_PROTOINFO_TCP_STATE) state = attr_u8(t.payload);
    });
  });
  return state;
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

bool census_add(Census& c, Bytes msg) {
  const auto nf = split_nfgenmsg(msg);
  if (!nf) {
    ++c.malformed;
    return false;
  }
  bool ok = true;
  std::optional<std::uint8_t> proto;
  std::optional<std::uint8_t> state;
  ok = for_each_attr(nf->attrs, [&](const Attr& a) {
    if (a.type == CTA_TUPLE_ORIG) proto = tuple_proto(a.payload, ok);
    else if (a.type == CTA_PROTOINFO) state = tcp_state(a.payload, ok);
  }) && ok;
  if (!ok || !proto) {
    ++c.malformed;
    return false;
  }
  ++c.entries;
  const L4 l4 = l4_from_ipproto(*proto);
  ++c.protocols[static_cast<std::size_t>(l4)];
  if (l4 == L4::Tcp && state && *state < kTcpStateCount) ++c.tcp_states[*state];
  return true;
}

}  // namespace ctwatch::core
