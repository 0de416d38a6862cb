// SPDX-License-Identifier: GPL-2.0-only
#include "boost_test.hpp"
#include "core/census.hpp"
#include "support/nl_builder.hpp"

#include <linux/netfilter/nfnetlink_conntrack.h>
#include <netinet/in.h>

using namespace ctwatch;
using namespace ctwatch::test;

namespace {
const std::uint16_t kNew = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_NEW;

// An entry as ctnetlink_fill_info() lays it out, reduced to what matters
// plus some attributes the census must skip.
Buf entry(std::uint8_t proto, std::optional<std::uint8_t> tcp_state) {
  Buf tuple = nest(CTA_TUPLE_ORIG, {nest(CTA_TUPLE_IP, {attr_be32(CTA_IP_V4_SRC, 0x0a000001), attr_be32(CTA_IP_V4_DST, 0x0a000002)}),
                                    nest(CTA_TUPLE_PROTO, {attr_u8(CTA_PROTO_NUM, proto)})});
  Buf reply = nest(CTA_TUPLE_REPLY, {nest(CTA_TUPLE_PROTO, {attr_u8(CTA_PROTO_NUM, 99)})});
  Buf b = tcp_state ? nfmsg(kNew, NLM_F_MULTI, 1, 0,
                            {tuple, reply, attr_be32(CTA_STATUS, 8), attr_be32(CTA_TIMEOUT, 100),
                             nest(CTA_PROTOINFO, {nest(CTA_PROTOINFO_TCP, {attr_u8(CTA_PROTOINFO_TCP_STATE, *tcp_state),
                                                                           attr_u8(CTA_PROTOINFO_TCP_WSCALE_ORIGINAL, 7)})}),
                             attr_be32(CTA_ID, 1234)}, AF_INET)
                    : nfmsg(kNew, NLM_F_MULTI, 1, 0, {tuple, reply, attr_be32(CTA_TIMEOUT, 30)}, AF_INET);
  return b;
}
core::Bytes payload(const Buf& m) { return core::Bytes(m).subspan(NLMSG_HDRLEN); }

// An entry with a given CTA_STATUS (nullopt: none), CTA_STATUS placed where
// ctnetlink_fill_info() puts it: after the tuples.
Buf with_status(std::uint8_t proto, std::optional<std::uint32_t> status) {
  Buf tuple = nest(CTA_TUPLE_ORIG, {nest(CTA_TUPLE_IP, {attr_be32(CTA_IP_V4_SRC, 0x0a000001), attr_be32(CTA_IP_V4_DST, 0x0a000002)}),
                                    nest(CTA_TUPLE_PROTO, {attr_u8(CTA_PROTO_NUM, proto)})});
  if (!status) return nfmsg(kNew, NLM_F_MULTI, 1, 0, {tuple, attr_be32(CTA_TIMEOUT, 30)}, AF_INET);
  return nfmsg(kNew, NLM_F_MULTI, 1, 0, {tuple, attr_be32(CTA_STATUS, *status), attr_be32(CTA_TIMEOUT, 30)}, AF_INET);
}
}  // namespace

BOOST_AUTO_TEST_SUITE(Core)
BOOST_AUTO_TEST_SUITE(Census)

BOOST_AUTO_TEST_CASE(counts_states_and_protocols) {
  core::Census c;
  for (int i = 0; i < 8; ++i) BOOST_TEST(core::census_add(c, payload(entry(IPPROTO_TCP, 7))));
  for (int i = 0; i < 2; ++i) BOOST_TEST(core::census_add(c, payload(entry(IPPROTO_TCP, 3))));
  BOOST_TEST(core::census_add(c, payload(entry(IPPROTO_UDP, std::nullopt))));
  BOOST_TEST(core::census_add(c, payload(entry(IPPROTO_ICMPV6, std::nullopt))));
  BOOST_TEST(core::census_add(c, payload(entry(IPPROTO_SCTP, std::nullopt))));
  BOOST_TEST(core::census_add(c, payload(entry(250, std::nullopt))));
  BOOST_TEST(c.entries == 14u);
  BOOST_TEST(c.tcp_states[7] == 8u);
  BOOST_TEST(c.tcp_states[3] == 2u);
  BOOST_TEST(c.protocols[static_cast<std::size_t>(core::L4::Tcp)] == 10u);
  BOOST_TEST(c.protocols[static_cast<std::size_t>(core::L4::Udp)] == 1u);
  BOOST_TEST(c.protocols[static_cast<std::size_t>(core::L4::Icmpv6)] == 1u);
  BOOST_TEST(c.protocols[static_cast<std::size_t>(core::L4::Sctp)] == 1u);
  BOOST_TEST(c.protocols[static_cast<std::size_t>(core::L4::Other)] == 1u);
  BOOST_TEST(c.malformed == 0u);
}

// IPS_CONFIRMED 8, IPS_SEEN_REPLY 2, IPS_ASSURED 4
// (include/uapi/linux/netfilter/nf_conntrack_common.h).
BOOST_AUTO_TEST_CASE(status_census_counts_assured_and_unreplied_per_protocol) {
  core::Census c;
  for (int i = 0; i < 3; ++i) BOOST_TEST(core::census_add(c, payload(with_status(IPPROTO_TCP, 8 | 2 | 4))));
  for (int i = 0; i < 5; ++i) BOOST_TEST(core::census_add(c, payload(with_status(IPPROTO_TCP, 8))));
  BOOST_TEST(core::census_add(c, payload(with_status(IPPROTO_TCP, 8 | 2))));      // replied, not assured
  for (int i = 0; i < 4; ++i) BOOST_TEST(core::census_add(c, payload(with_status(IPPROTO_UDP, 8))));
  BOOST_TEST(core::census_add(c, payload(with_status(IPPROTO_UDP, 8 | 2 | 4))));
  BOOST_TEST(core::census_add(c, payload(with_status(IPPROTO_UDP, std::nullopt))));  // no status: neither
  const auto tcp = static_cast<std::size_t>(core::L4::Tcp), udp = static_cast<std::size_t>(core::L4::Udp);
  BOOST_TEST(c.entries == 15u);
  BOOST_TEST(c.assured[tcp] == 3u);
  BOOST_TEST(c.unreplied[tcp] == 5u);
  BOOST_TEST(c.assured[udp] == 1u);
  BOOST_TEST(c.unreplied[udp] == 4u);
  BOOST_TEST(c.protocols[udp] == 6u);
}

BOOST_AUTO_TEST_CASE(status_of_the_wrong_size_counts_as_absent) {
  core::Census c;
  Buf tuple = nest(CTA_TUPLE_ORIG, {nest(CTA_TUPLE_PROTO, {attr_u8(CTA_PROTO_NUM, IPPROTO_UDP)})});
  BOOST_TEST(core::census_add(c, payload(nfmsg(kNew, NLM_F_MULTI, 1, 0, {tuple, attr_u8(CTA_STATUS, 0)}, AF_INET))));
  BOOST_TEST(c.entries == 1u);
  BOOST_TEST(c.unreplied[static_cast<std::size_t>(core::L4::Udp)] == 0u);
}

BOOST_AUTO_TEST_CASE(unreplied_entries_go_to_the_unreplied_peer_lists) {
  core::PeerOptions po;
  po.top = 2;
  core::PeerTally tally(po, 42);
  core::Census c;
  for (int i = 0; i < 3; ++i) BOOST_TEST(core::census_add(c, payload(with_status(IPPROTO_UDP, 8)), &tally));
  BOOST_TEST(core::census_add(c, payload(with_status(IPPROTO_UDP, 8 | 2 | 4)), &tally));
  const auto tp = tally.top();
  BOOST_REQUIRE(tp.unreplied_sources.has_value());
  BOOST_TEST(tp.sources.counted == 4u);
  BOOST_TEST(tp.unreplied_sources->counted == 3u);
  BOOST_REQUIRE(tp.unreplied_sources->top.size() == 1u);
  BOOST_TEST(core::format_address(tp.unreplied_sources->top[0].key) == "10.0.0.1");
  BOOST_TEST(tp.unreplied_destinations->top[0].count == 3u);
}

// The benchmark's census without the status census (bench/ctwatch_bench.cpp
// measures what it costs): everything else counted the same, nothing assured
// or unreplied, no unreplied peers.
BOOST_AUTO_TEST_CASE(census_without_status_counts_all_but_the_status) {
  core::PeerOptions po;
  po.top = 2;
  core::PeerTally with(po, 42), without(po, 42);
  core::Census a, b;
  for (auto st : {8u, 8u | 2u | 4u, 8u | 2u}) {
    BOOST_TEST(core::census_add(a, payload(with_status(IPPROTO_UDP, st)), &with));
    BOOST_TEST(core::census_add_without_status(b, payload(with_status(IPPROTO_UDP, st)), &without));
  }
  BOOST_TEST(a.entries == b.entries);
  BOOST_TEST(a.protocols == b.protocols);
  BOOST_TEST(a.assured[1] == 1u);
  BOOST_TEST(a.unreplied[1] == 1u);
  BOOST_TEST(b.assured[1] == 0u);
  BOOST_TEST(b.unreplied[1] == 0u);
  BOOST_TEST(with.top().unreplied_sources->counted == 1u);
  BOOST_TEST(without.top().unreplied_sources->counted == 0u);
  BOOST_TEST(without.top().sources.counted == 3u);
}

BOOST_AUTO_TEST_CASE(protocol_comes_from_the_original_tuple) {
  core::Census c;
  BOOST_TEST(core::census_add(c, payload(entry(IPPROTO_GRE, std::nullopt))));
  BOOST_TEST(c.protocols[static_cast<std::size_t>(core::L4::Gre)] == 1u);
  BOOST_TEST(c.protocols[static_cast<std::size_t>(core::L4::Other)] == 0u);
}

BOOST_AUTO_TEST_CASE(out_of_range_tcp_state_is_not_counted_as_a_state) {
  core::Census c;
  BOOST_TEST(core::census_add(c, payload(entry(IPPROTO_TCP, 42))));
  std::uint64_t sum = 0;
  for (auto v : c.tcp_states) sum += v;
  BOOST_TEST(sum == 0u);
  BOOST_TEST(c.protocols[0] == 1u);
}

BOOST_AUTO_TEST_CASE(entry_without_tuple_is_malformed) {
  core::Census c;
  const Buf m = nfmsg(kNew, NLM_F_MULTI, 1, 0, {attr_be32(CTA_TIMEOUT, 30)});
  BOOST_TEST(!core::census_add(c, payload(m)));
  BOOST_TEST(c.malformed == 1u);
  BOOST_TEST(c.entries == 0u);
}

BOOST_AUTO_TEST_CASE(lying_nested_length_is_malformed) {
  Buf inner = nest(CTA_TUPLE_PROTO, {attr_u8(CTA_PROTO_NUM, IPPROTO_TCP)});
  nlattr h;
  std::memcpy(&h, inner.data(), sizeof h);
  h.nla_len = static_cast<std::uint16_t>(h.nla_len + 16);  // claims bytes past its parent
  std::memcpy(inner.data(), &h, sizeof h);
  Buf outer;
  nlattr oh{static_cast<std::uint16_t>(NLA_HDRLEN + inner.size()), CTA_TUPLE_ORIG | NLA_F_NESTED};
  put(outer, &oh, sizeof oh);
  outer.insert(outer.end(), inner.begin(), inner.end());
  const Buf m = nfmsg(kNew, NLM_F_MULTI, 1, 0, {outer, attr_be32(CTA_TIMEOUT, 1)}, AF_INET);
  core::Census c;
  BOOST_TEST(!core::census_add(c, payload(m)));
  BOOST_TEST(c.malformed == 1u);
  BOOST_TEST(c.entries == 0u);
}

BOOST_AUTO_TEST_CASE(names_match_the_contract) {
  BOOST_TEST(core::tcp_state_name(0) == "NONE");
  BOOST_TEST(core::tcp_state_name(7) == "TIME_WAIT");
  BOOST_TEST(core::tcp_state_name(9) == "SYN_SENT2");
  BOOST_TEST(core::l4_name(core::L4::Udplite) == "udplite");
  BOOST_TEST(core::l4_name(core::L4::Other) == "other");
}

BOOST_AUTO_TEST_SUITE_END()  // Census
BOOST_AUTO_TEST_SUITE_END()  // Core
