// SPDX-License-Identifier: GPL-2.0-only
#include "boost_test.hpp"
#include "core/netlink.hpp"
#include "support/nl_builder.hpp"

#include <linux/netfilter/nfnetlink_conntrack.h>

#include <climits>

using namespace ctwatch;
using namespace ctwatch::test;

namespace {
const std::uint16_t kNew = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_NEW;

struct Collect {
  std::vector<std::uint16_t> types;
  void operator()(const core::Message& m) { types.push_back(m.type); }
};
}  // namespace

BOOST_AUTO_TEST_SUITE(Core)
BOOST_AUTO_TEST_SUITE(Netlink)

BOOST_AUTO_TEST_CASE(walks_messages_until_done) {
  const Buf dg = cat({nfmsg(kNew, NLM_F_MULTI, 7, 0, {}), nfmsg(kNew, NLM_F_MULTI, 7, 0, {}), done(7)});
  Collect c;
  const auto r = core::walk_messages(core::Bytes(dg), 7, 0, c);
  BOOST_TEST(static_cast<int>(r.status) == static_cast<int>(core::WalkStatus::Done));
  BOOST_TEST(c.types.size() == 2u);
}

BOOST_AUTO_TEST_CASE(more_when_no_terminator) {
  const Buf dg = nfmsg(kNew, NLM_F_MULTI, 7, 0, {});
  Collect c;
  const auto r = core::walk_messages(core::Bytes(dg), 7, 0, c);
  BOOST_TEST(static_cast<int>(r.status) == static_cast<int>(core::WalkStatus::More));
  BOOST_TEST(c.types.size() == 1u);
}

BOOST_AUTO_TEST_CASE(skips_other_sequence_numbers) {
  const Buf dg = cat({nfmsg(kNew, NLM_F_MULTI, 6, 0, {}), done(6), nfmsg(kNew, NLM_F_MULTI, 7, 0, {})});
  Collect c;
  const auto r = core::walk_messages(core::Bytes(dg), 7, 0, c);
  BOOST_TEST(static_cast<int>(r.status) == static_cast<int>(core::WalkStatus::More));
  BOOST_TEST(c.types.size() == 1u);
}

BOOST_AUTO_TEST_CASE(error_reply_carries_errno) {
  const Buf dg = error(3, -EPERM);
  Collect c;
  const auto r = core::walk_messages(core::Bytes(dg), 3, 0, c);
  BOOST_TEST(static_cast<int>(r.status) == static_cast<int>(core::WalkStatus::Error));
  BOOST_TEST(r.error == EPERM);
}

BOOST_AUTO_TEST_CASE(nonsense_error_value_is_eproto) {
  for (int bad : {INT_MIN, -5000, 7}) {
    const Buf dg = error(3, bad);
    Collect c;
    const auto r = core::walk_messages(core::Bytes(dg), 3, 0, c);
    BOOST_TEST(static_cast<int>(r.status) == static_cast<int>(core::WalkStatus::Error));
    BOOST_TEST(r.error == EPROTO);
  }
}

BOOST_AUTO_TEST_CASE(ack_ends_request) {
  const Buf dg = error(3, 0);
  Collect c;
  const auto r = core::walk_messages(core::Bytes(dg), 3, 0, c);
  BOOST_TEST(static_cast<int>(r.status) == static_cast<int>(core::WalkStatus::Done));
}

BOOST_AUTO_TEST_CASE(overlong_nlmsg_len_is_malformed) {
  Buf dg = nfmsg(kNew, 0, 1, 0, {attr_be32(1, 5)});
  nlmsghdr h;
  std::memcpy(&h, dg.data(), sizeof h);
  h.nlmsg_len += 100;
  std::memcpy(dg.data(), &h, sizeof h);
  Collect c;
  const auto r = core::walk_messages(core::Bytes(dg), 0, 0, c);
  BOOST_TEST(static_cast<int>(r.status) == static_cast<int>(core::WalkStatus::Malformed));
  BOOST_TEST(c.types.empty());
}

BOOST_AUTO_TEST_CASE(short_nlmsg_len_is_malformed) {
  Buf dg = nfmsg(kNew, 0, 1, 0, {});
  nlmsghdr h;
  std::memcpy(&h, dg.data(), sizeof h);
  h.nlmsg_len = 4;
  std::memcpy(dg.data(), &h, sizeof h);
  Collect c;
  BOOST_TEST(static_cast<int>(core::walk_messages(core::Bytes(dg), 0, 0, c).status) ==
             static_cast<int>(core::WalkStatus::Malformed));
}

BOOST_AUTO_TEST_CASE(dump_intr_is_reported) {
  const Buf dg = cat({nfmsg(kNew, NLM_F_MULTI | NLM_F_DUMP_INTR, 1, 0, {}), done(1)});
  Collect c;
  BOOST_TEST(core::walk_messages(core::Bytes(dg), 1, 0, c).dump_intr);
}

BOOST_AUTO_TEST_CASE(truncated_datagram_tail_is_ignored) {
  Buf dg = nfmsg(kNew, 0, 1, 0, {});
  dg.resize(dg.size() + 8);  // less than a header: padding, not a message
  Collect c;
  const auto r = core::walk_messages(core::Bytes(dg), 0, 0, c);
  BOOST_TEST(static_cast<int>(r.status) == static_cast<int>(core::WalkStatus::More));
  BOOST_TEST(c.types.size() == 1u);
}

BOOST_AUTO_TEST_CASE(attribute_past_end_stops_walk) {
  Buf a = attr_be32(1, 42);
  nlattr h;
  std::memcpy(&h, a.data(), sizeof h);
  h.nla_len = 64;
  std::memcpy(a.data(), &h, sizeof h);
  int seen = 0;
  BOOST_TEST(!core::for_each_attr(core::Bytes(a), [&](const core::Attr&) { ++seen; }));
  BOOST_TEST(seen == 0);
}

BOOST_AUTO_TEST_CASE(attribute_shorter_than_header_is_malformed) {
  Buf a = attr_be32(1, 42);
  nlattr h;
  std::memcpy(&h, a.data(), sizeof h);
  h.nla_len = 2;
  std::memcpy(a.data(), &h, sizeof h);
  BOOST_TEST(!core::for_each_attr(core::Bytes(a), [](const core::Attr&) {}));
}

BOOST_AUTO_TEST_CASE(nested_flag_is_masked) {
  const Buf a = nest(CTA_TUPLE_ORIG, {attr_u8(1, 6)});
  std::uint16_t type = 0;
  BOOST_TEST(core::for_each_attr(core::Bytes(a), [&](const core::Attr& x) { type = x.type; }));
  BOOST_TEST(type == CTA_TUPLE_ORIG);
}

BOOST_AUTO_TEST_CASE(wrong_size_payload_is_absent) {
  BOOST_TEST(!core::attr_be32(core::Bytes(Buf(3))).has_value());
  BOOST_TEST(!core::attr_u8(core::Bytes(Buf(2))).has_value());
  BOOST_TEST(!core::attr_be16(core::Bytes(Buf(4))).has_value());
}

BOOST_AUTO_TEST_CASE(requests_are_gets_only) {
  std::array<std::byte, core::kRequestSize> b;
  for (auto r : {core::Request::Stats, core::Request::StatsCpu, core::Request::Dump}) {
    core::build_request(r, 9, b);
    nlmsghdr h;
    std::memcpy(&h, b.data(), sizeof h);
    const int msg = h.nlmsg_type & 0xff;
    BOOST_TEST((h.nlmsg_type >> 8) == NFNL_SUBSYS_CTNETLINK);
    BOOST_TEST((msg == IPCTNL_MSG_CT_GET || msg == IPCTNL_MSG_CT_GET_STATS ||
                msg == IPCTNL_MSG_CT_GET_STATS_CPU));
    BOOST_TEST(h.nlmsg_seq == 9u);
    BOOST_TEST(h.nlmsg_len == core::kRequestSize);
    // NLM_F_DUMP shares bits with NEW's NLM_F_EXCL|NLM_F_REPLACE, so the
    // exact flag sets are asserted: a GET is a request, a dump or an ACK.
    const int want = r == core::Request::Stats ? (NLM_F_REQUEST | NLM_F_ACK) : (NLM_F_REQUEST | NLM_F_DUMP);
    BOOST_TEST(h.nlmsg_flags == want);
  }
}

BOOST_AUTO_TEST_SUITE_END()  // Netlink
BOOST_AUTO_TEST_SUITE_END()  // Core
