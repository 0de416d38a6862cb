// SPDX-License-Identifier: GPL-2.0-only
#include "boost_test.hpp"
#include "fakes/fake_transport.hpp"
#include "source/netlink_client.hpp"

#include <linux/netfilter/nfnetlink_conntrack.h>
#include <netinet/in.h>

using namespace ctwatch;
using namespace ctwatch::test;

namespace {
std::uint16_t ct(std::uint8_t m) { return static_cast<std::uint16_t>((NFNL_SUBSYS_CTNETLINK << 8) | m); }
auto far() { return std::chrono::steady_clock::now() + std::chrono::seconds(5); }

Buf tcp_entry(std::uint32_t seq, std::uint8_t state) {
  return nfmsg(ct(IPCTNL_MSG_CT_NEW), NLM_F_MULTI, seq, 0,
               {nest(CTA_TUPLE_ORIG, {nest(CTA_TUPLE_PROTO, {attr_u8(CTA_PROTO_NUM, IPPROTO_TCP)})}),
                nest(CTA_PROTOINFO, {nest(CTA_PROTOINFO_TCP, {attr_u8(CTA_PROTOINFO_TCP_STATE, state)})})},
               AF_INET);
}
}  // namespace

BOOST_AUTO_TEST_SUITE(Source)
BOOST_AUTO_TEST_SUITE(NetlinkClient)

BOOST_AUTO_TEST_CASE(stats_request_and_reply) {
  std::vector<nlmsghdr> sent;
  source::NetlinkClient c(std::make_unique<FakeTransport>(
      [](const nlmsghdr& r) {
        return std::vector<Buf>{cat({nfmsg(ct(IPCTNL_MSG_CT_GET_STATS), 0, r.nlmsg_seq, 0,
                                           {attr_be32(CTA_STATS_GLOBAL_ENTRIES, 42), attr_be32(CTA_STATS_GLOBAL_MAX_ENTRIES, 1000)}),
                                     error(r.nlmsg_seq, 0)})};
      },
      &sent));
  const auto s = c.stats(far());
  BOOST_REQUIRE(s.ok());
  BOOST_TEST(s->entries.value() == 42u);
  BOOST_TEST(s->max_entries.value() == 1000u);
  BOOST_REQUIRE(sent.size() == 1u);
  BOOST_TEST(sent[0].nlmsg_type == ct(IPCTNL_MSG_CT_GET_STATS));
}

BOOST_AUTO_TEST_CASE(stats_cpu_multipart_over_two_datagrams) {
  source::NetlinkClient c(std::make_unique<FakeTransport>([](const nlmsghdr& r) {
    return std::vector<Buf>{nfmsg(ct(IPCTNL_MSG_CT_GET_STATS_CPU), NLM_F_MULTI, r.nlmsg_seq, 0, {attr_be32(CTA_STATS_DROP, 1)}),
                            cat({nfmsg(ct(IPCTNL_MSG_CT_GET_STATS_CPU), NLM_F_MULTI, r.nlmsg_seq, 1, {attr_be32(CTA_STATS_DROP, 2)}),
                                 done(r.nlmsg_seq)})};
  }));
  const auto s = c.stats_cpu(far());
  BOOST_REQUIRE(s.ok());
  BOOST_REQUIRE(s->size() == 2u);
  BOOST_TEST((*s)[1].cpu == 1);
  BOOST_TEST(!c.broken());
}

BOOST_AUTO_TEST_CASE(census_counts_the_dump) {
  source::NetlinkClient c(std::make_unique<FakeTransport>([](const nlmsghdr& r) {
    return std::vector<Buf>{cat({tcp_entry(r.nlmsg_seq, 7), tcp_entry(r.nlmsg_seq, 7)}),
                            cat({tcp_entry(r.nlmsg_seq, 3), done(r.nlmsg_seq)})};
  }));
  const auto s = c.census(far());
  BOOST_REQUIRE(s.ok());
  BOOST_TEST(s->entries == 3u);
  BOOST_TEST(s->tcp_states[7] == 2u);
}

BOOST_AUTO_TEST_CASE(kernel_error_keeps_socket_usable) {
  source::NetlinkClient c(std::make_unique<FakeTransport>([](const nlmsghdr& r) {
    return std::vector<Buf>{error(r.nlmsg_seq, -EPERM)};
  }));
  const auto s = c.stats(far());
  BOOST_REQUIRE(!s.ok());
  BOOST_TEST(s.error().code == EPERM);
  BOOST_TEST(!c.broken());
}

BOOST_AUTO_TEST_CASE(silent_peer_times_out_and_breaks) {
  source::NetlinkClient c(std::make_unique<FakeTransport>([](const nlmsghdr&) { return std::vector<Buf>{}; }));
  const auto s = c.stats(far());
  BOOST_REQUIRE(!s.ok());
  BOOST_TEST(s.error().code == EAGAIN);
  BOOST_TEST(c.broken());
  BOOST_TEST(!c.stats(far()).ok());  // stays broken until reopened
}

BOOST_AUTO_TEST_CASE(stale_reply_from_earlier_request_is_ignored) {
  source::NetlinkClient c(std::make_unique<FakeTransport>([](const nlmsghdr& r) {
    return std::vector<Buf>{cat({nfmsg(ct(IPCTNL_MSG_CT_GET_STATS), 0, r.nlmsg_seq - 1, 0, {attr_be32(CTA_STATS_GLOBAL_ENTRIES, 666)}),
                                 nfmsg(ct(IPCTNL_MSG_CT_GET_STATS), 0, r.nlmsg_seq, 0, {attr_be32(CTA_STATS_GLOBAL_ENTRIES, 7)}),
                                 error(r.nlmsg_seq, 0)})};
  }));
  const auto s = c.stats(far());
  BOOST_REQUIRE(s.ok());
  BOOST_TEST(s->entries.value() == 7u);
}

BOOST_AUTO_TEST_CASE(malformed_reply_breaks) {
  source::NetlinkClient c(std::make_unique<FakeTransport>([](const nlmsghdr& r) {
    Buf b = nfmsg(ct(IPCTNL_MSG_CT_GET_STATS_CPU), NLM_F_MULTI, r.nlmsg_seq, 0, {attr_be32(CTA_STATS_DROP, 1)});
    b[0] = std::byte{0xff};  // nlmsg_len now lies
    return std::vector<Buf>{b};
  }));
  const auto s = c.stats_cpu(far());
  BOOST_REQUIRE(!s.ok());
  BOOST_TEST(s.error().code == EPROTO);
  BOOST_TEST(c.broken());
}

BOOST_AUTO_TEST_CASE(dump_intr_fails_the_read) {
  source::NetlinkClient c(std::make_unique<FakeTransport>([](const nlmsghdr& r) {
    Buf e = tcp_entry(r.nlmsg_seq, 7);
    nlmsghdr h;
    std::memcpy(&h, e.data(), sizeof h);
    h.nlmsg_flags |= NLM_F_DUMP_INTR;
    std::memcpy(e.data(), &h, sizeof h);
    return std::vector<Buf>{cat({e, done(r.nlmsg_seq)})};
  }));
  const auto s = c.census(far());
  BOOST_REQUIRE(!s.ok());
  BOOST_TEST(s.error().code == EINTR);
}

BOOST_AUTO_TEST_CASE(only_get_requests_are_ever_sent) {
  std::vector<nlmsghdr> sent;
  source::NetlinkClient c(std::make_unique<FakeTransport>([](const nlmsghdr& r) { return std::vector<Buf>{done(r.nlmsg_seq)}; }, &sent));
  (void)c.stats(far());
  (void)c.stats_cpu(far());
  (void)c.census(far());
  BOOST_REQUIRE(sent.size() == 3u);
  std::uint32_t last_seq = 0;
  for (const auto& h : sent) {
    const int m = h.nlmsg_type & 0xff;
    BOOST_TEST((m == IPCTNL_MSG_CT_GET || m == IPCTNL_MSG_CT_GET_STATS || m == IPCTNL_MSG_CT_GET_STATS_CPU));
    BOOST_TEST(h.nlmsg_seq > last_seq);  // monotonic
    last_seq = h.nlmsg_seq;
  }
}

BOOST_AUTO_TEST_SUITE_END()  // NetlinkClient
BOOST_AUTO_TEST_SUITE_END()  // Source
