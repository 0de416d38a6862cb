// SPDX-License-Identifier: GPL-2.0-only
// The top-peers sketch (Space-Saving) and the census's peer parsing: exact
// below capacity, the documented guarantee above it, deterministic ties,
// no allocation per entry, and the attributes read from real-layout
// ctnetlink messages.
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <cstdlib>
#include <map>
#include <new>
#include <random>

#include "boost_test.hpp"
#include "core/census.hpp"
#include "core/peers.hpp"
#include "support/nl_builder.hpp"

using namespace ctwatch;
using namespace ctwatch::test;

// Counts every allocation of this test executable, so a test can prove that
// a loop allocates nothing. Every non-aligned form of new and delete is
// replaced, all on malloc/free, so they always pair (ASan checks that); the
// aligned forms stay the runtime's and pair among themselves.
namespace {
std::atomic<std::size_t> g_allocations{0};
void* counted_alloc(std::size_t n) noexcept {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(n ? n : 1);
}
void* counted_alloc_or_throw(std::size_t n) {
  if (void* p = counted_alloc(n)) return p;
  throw std::bad_alloc();
}
}  // namespace
void* operator new(std::size_t n) { return counted_alloc_or_throw(n); }
void* operator new[](std::size_t n) { return counted_alloc_or_throw(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return counted_alloc(n); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return counted_alloc(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

namespace {

const std::uint16_t kNew = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_NEW;

core::PeerKey v4(std::uint32_t a, std::uint16_t port = 0) { return core::ipv4_peer(a, port); }

core::PeerKey v6(std::initializer_list<std::uint8_t> tail, std::uint16_t port = 0) {
  std::array<std::uint8_t, 16> a{0xfd, 0x00};
  std::size_t i = 16 - tail.size();
  for (auto b : tail) a[i++] = b;
  return core::ipv6_peer(a, port);
}

std::map<core::PeerKey, std::uint64_t> truth_of(const std::vector<core::PeerKey>& stream) {
  std::map<core::PeerKey, std::uint64_t> m;
  for (const auto& k : stream) ++m[k];
  return m;
}

// The true top n: count descending, key ascending.
std::vector<std::pair<core::PeerKey, std::uint64_t>> true_top(const std::map<core::PeerKey, std::uint64_t>& m,
                                                              std::size_t n) {
  std::vector<std::pair<core::PeerKey, std::uint64_t>> v(m.begin(), m.end());
  std::stable_sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  if (v.size() > n) v.resize(n);
  return v;
}

// A Zipf-like stream of `n` entries over `distinct` keys, shuffled.
std::vector<core::PeerKey> zipf_stream(std::size_t n, std::size_t distinct, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<double> w(distinct);
  for (std::size_t i = 0; i < distinct; ++i) w[i] = 1.0 / static_cast<double>(i + 1);
  std::discrete_distribution<std::size_t> d(w.begin(), w.end());
  std::vector<core::PeerKey> s;
  s.reserve(n);
  for (std::size_t i = 0; i < n; ++i) s.push_back(v4(0x0a000000u + static_cast<std::uint32_t>(d(rng))));
  return s;
}

// ---- messages as ctnetlink_fill_info() lays them out ----

Buf ip4(std::uint32_t src, std::uint32_t dst) {
  return nest(CTA_TUPLE_IP, {attr_be32(CTA_IP_V4_SRC, src), attr_be32(CTA_IP_V4_DST, dst)});
}
Buf ip6(const core::PeerKey& src, const core::PeerKey& dst) {
  Buf s(src.addr.size()), d(dst.addr.size());
  std::memcpy(s.data(), src.addr.data(), 16);
  std::memcpy(d.data(), dst.addr.data(), 16);
  return nest(CTA_TUPLE_IP, {attr(CTA_IP_V6_SRC, s), attr(CTA_IP_V6_DST, d)});
}
Buf be16(std::uint16_t type, std::uint16_t v) {
  Buf p(2);
  const std::uint16_t be = __builtin_bswap16(v);
  std::memcpy(p.data(), &be, 2);
  return attr(type, p);
}
Buf ports(std::uint8_t proto, std::uint16_t sport, std::uint16_t dport) {
  return nest(CTA_TUPLE_PROTO, {attr_u8(CTA_PROTO_NUM, proto), be16(CTA_PROTO_SRC_PORT, sport),
                                be16(CTA_PROTO_DST_PORT, dport)});
}
Buf icmp_proto() {
  return nest(CTA_TUPLE_PROTO, {attr_u8(CTA_PROTO_NUM, IPPROTO_ICMP), be16(CTA_PROTO_ICMP_ID, 7),
                                attr_u8(CTA_PROTO_ICMP_TYPE, 8), attr_u8(CTA_PROTO_ICMP_CODE, 0)});
}
Buf entry(const Buf& ip, const Buf& proto, std::optional<std::uint8_t> tcp_state, std::uint8_t family = AF_INET) {
  Buf orig = nest(CTA_TUPLE_ORIG, {ip, proto});
  // The reply tuple carries other addresses: the census must not read it.
  Buf reply = nest(CTA_TUPLE_REPLY, {ip4(0x7f000001, 0x7f000002), ports(IPPROTO_UDP, 9, 9)});
  if (tcp_state)
    return nfmsg(kNew, NLM_F_MULTI, 1, 0,
                 {orig, reply, attr_be32(CTA_STATUS, 8), attr_be32(CTA_TIMEOUT, 100),
                  nest(CTA_PROTOINFO, {nest(CTA_PROTOINFO_TCP, {attr_u8(CTA_PROTOINFO_TCP_STATE, *tcp_state),
                                                                attr_u8(CTA_PROTOINFO_TCP_WSCALE_ORIGINAL, 7)})}),
                  attr_be32(CTA_ID, 1234)},
                 family);
  return nfmsg(kNew, NLM_F_MULTI, 1, 0, {orig, reply, attr_be32(CTA_TIMEOUT, 30)}, family);
}
core::Bytes payload(const Buf& m) { return core::Bytes(m).subspan(NLMSG_HDRLEN); }

}  // namespace

BOOST_AUTO_TEST_SUITE(Core)
BOOST_AUTO_TEST_SUITE(Peers)

BOOST_AUTO_TEST_CASE(formats_addresses_and_endpoints) {
  BOOST_TEST(core::format_address(v4(0xc6120001)) == "198.18.0.1");
  BOOST_TEST(core::format_endpoint(v4(0xc6130001, 80)) == "198.19.0.1:80");
  BOOST_TEST(core::format_address(v6({0x01})) == "fd00::1");
  BOOST_TEST(core::format_endpoint(v6({0x0b}, 8443)) == "[fd00::b]:8443");
  std::array<std::uint8_t, 16> all{};
  all.fill(0xff);
  const auto longest = core::format_endpoint(core::ipv6_peer(all, 65535));
  BOOST_TEST(longest == "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535");
  // collectd's type_instance holds 127 characters (DATA_MAX_NAME_LEN 128).
  BOOST_TEST(("dst-" + longest).size() <= 127u);
}

BOOST_AUTO_TEST_CASE(keys_order_by_family_then_address_then_port) {
  BOOST_TEST((v4(0x0a000002) < v4(0x0a00000a)));  // numeric, not textual
  BOOST_TEST((v4(0x0a000001, 443) < v4(0x0a000001, 8080)));
  BOOST_TEST((v4(0xffffffff) < v6({0x01})));      // IPv4 first
}

BOOST_AUTO_TEST_CASE(exact_below_capacity) {
  const auto stream = zipf_stream(20000, 300, 1);
  core::PeerSketch s(4096, 99);
  for (const auto& k : stream) s.add(k);
  const auto truth = truth_of(stream);
  BOOST_TEST(s.exact());
  BOOST_TEST(s.max_error() == 0u);
  BOOST_TEST(s.added() == 20000u);
  BOOST_TEST(s.tracked() == truth.size());
  const auto top = s.top(truth.size());
  const auto want = true_top(truth, truth.size());
  BOOST_REQUIRE(top.size() == want.size());
  for (std::size_t i = 0; i < top.size(); ++i) {
    BOOST_TEST((top[i].key == want[i].first));
    BOOST_TEST(top[i].count == want[i].second);
    BOOST_TEST(top[i].error == 0u);
  }
}

BOOST_AUTO_TEST_CASE(ties_are_broken_by_key_ascending) {
  core::PeerSketch s(16, 5);
  // Inserted in descending key order, three with count 3, two with count 5.
  for (std::uint32_t a : {9u, 7u, 5u, 3u, 1u})
    for (int i = 0; i < (a <= 3 ? 5 : 3); ++i) s.add(v4(a));
  const auto top = s.top(5);
  const std::uint32_t want_addr[] = {1, 3, 5, 7, 9};
  const std::uint64_t want_count[] = {5, 5, 3, 3, 3};
  BOOST_REQUIRE(top.size() == 5u);
  for (std::size_t i = 0; i < 5; ++i) {
    BOOST_TEST((top[i].key == v4(want_addr[i])));
    BOOST_TEST(top[i].count == want_count[i]);
  }
  BOOST_TEST(s.top(2).size() == 2u);
  BOOST_TEST(s.top(100).size() == 5u);
}

// Space-Saving's guarantee (peers.hpp), checked on skewed and flat streams
// much larger than the capacity, in two dump orders.
BOOST_DATA_TEST_CASE(guarantee_beyond_capacity, boost::unit_test::data::make({1u, 2u, 3u, 4u}), seed) {
  const std::size_t m = 64;
  auto stream = zipf_stream(50000, seed % 2 ? 5000 : 200, seed);
  if (seed > 2) std::reverse(stream.begin(), stream.end());
  core::PeerSketch s(m, seed * 7);
  for (const auto& k : stream) s.add(k);
  const auto truth = truth_of(stream);
  const double n_over_m = static_cast<double>(stream.size()) / static_cast<double>(m);
  BOOST_TEST(!s.exact());
  BOOST_TEST(s.tracked() == m);
  BOOST_TEST(static_cast<double>(s.max_error()) <= n_over_m);
  const auto all = s.top(m);
  std::uint64_t sum = 0;
  for (const auto& p : all) {
    const std::uint64_t t = truth.at(p.key);
    BOOST_TEST(p.count - p.error <= t);
    BOOST_TEST(t <= p.count);
    BOOST_TEST(p.error <= s.max_error());
    sum += p.count;
  }
  BOOST_TEST(sum == stream.size());  // Space-Saving's counts always sum to n
  // Every key above n/m is tracked.
  for (const auto& [k, t] : truth)
    if (static_cast<double>(t) > n_over_m)
      BOOST_TEST(std::any_of(all.begin(), all.end(), [&](const core::PeerCount& p) { return p.key == k; }));
}

BOOST_AUTO_TEST_CASE(a_dominant_peer_is_found_among_many_more_than_capacity) {
  // 20000 distinct one-entry peers and one peer with 3000 entries, which
  // comes last: the worst order for it.
  std::vector<core::PeerKey> stream;
  for (std::uint32_t i = 0; i < 20000; ++i) stream.push_back(v4(0x0a320000u + i));
  for (int i = 0; i < 3000; ++i) stream.push_back(v4(0x0a090909u));
  core::PeerSketch s(4096, 3);
  for (const auto& k : stream) s.add(k);
  const auto top = s.top(5);
  BOOST_TEST(!s.exact());
  BOOST_TEST((top[0].key == v4(0x0a090909u)));
  BOOST_TEST(top[0].count - top[0].error <= 3000u);
  BOOST_TEST(top[0].count >= 3000u);
  BOOST_TEST(top[0].error <= 23000u / 4096u);
}

BOOST_AUTO_TEST_CASE(result_does_not_depend_on_the_hash_seed) {
  const auto stream = zipf_stream(30000, 3000, 11);
  core::PeerSketch a(128, 1), b(128, 0xdeadbeefcafef00dull);
  for (const auto& k : stream) {
    a.add(k);
    b.add(k);
  }
  const auto ta = a.top(128), tb = b.top(128);
  BOOST_REQUIRE(ta.size() == tb.size());
  for (std::size_t i = 0; i < ta.size(); ++i) {
    BOOST_TEST((ta[i].key == tb[i].key));
    BOOST_TEST(ta[i].count == tb[i].count);
    BOOST_TEST(ta[i].error == tb[i].error);
  }
}

BOOST_AUTO_TEST_CASE(clear_forgets_everything_and_keeps_working) {
  core::PeerSketch s(8, 1);
  for (std::uint32_t i = 0; i < 100; ++i) s.add(v4(i % 20));
  BOOST_TEST(!s.exact());
  s.clear();
  BOOST_TEST(s.exact());
  BOOST_TEST(s.added() == 0u);
  BOOST_TEST(s.top(5).empty());
  s.add(v4(1));
  s.add(v4(1));
  BOOST_TEST(s.top(1).at(0).count == 2u);
}

BOOST_AUTO_TEST_CASE(adding_never_allocates) {
  core::PeerOptions o;
  o.top = 5;
  o.time_wait = true;
  core::PeerTally t(o, 42);
  const auto stream = zipf_stream(200000, 100000, 9);  // far beyond capacity: evictions too
  const std::size_t before = g_allocations.load();
  for (std::size_t i = 0; i < stream.size(); ++i) t.add(&stream[i], &stream[stream.size() - 1 - i], i % 3 == 0);
  t.clear();
  for (std::size_t i = 0; i < stream.size(); ++i) t.add(&stream[i], nullptr, false);
  BOOST_TEST(g_allocations.load() == before);
}

BOOST_AUTO_TEST_CASE(capacity_defaults_and_limits) {
  BOOST_TEST(core::default_peer_capacity(5) == 4096u);
  BOOST_TEST(core::default_peer_capacity(1000) == 32000u);
  BOOST_TEST(core::PeerSketch(0, 1).capacity() == 1u);
  BOOST_TEST(core::PeerSketch(1u << 20, 1).capacity() == core::PeerSketch::kMaxCapacity);
  core::PeerSketch one(1, 1);
  for (std::uint32_t i = 0; i < 10; ++i) one.add(v4(i));
  BOOST_TEST(one.top(5).size() == 1u);
  BOOST_TEST(one.top(5)[0].count == 10u);  // all of n, error n - 1
  BOOST_TEST(one.top(5)[0].error == 9u);
}

BOOST_AUTO_TEST_SUITE(CensusPeers)

BOOST_AUTO_TEST_CASE(sources_and_destinations_from_the_original_tuple) {
  core::PeerOptions o;
  o.top = 10;
  o.time_wait = true;
  core::PeerTally t(o, 1);
  core::Census c;
  for (int i = 0; i < 3; ++i) BOOST_TEST(core::census_add(c, payload(entry(ip4(0x0a000001, 0x0a000101), ports(IPPROTO_TCP, static_cast<std::uint16_t>(1000 + i), 443), 7)), &t));
  BOOST_TEST(core::census_add(c, payload(entry(ip4(0x0a000002, 0x0a000101), ports(IPPROTO_UDP, 53, 443), std::nullopt)), &t));
  BOOST_TEST(core::census_add(c, payload(entry(ip4(0x0a000002, 0x0a000102), icmp_proto(), std::nullopt)), &t));
  BOOST_TEST(core::census_add(c, payload(entry(ip6(v6({0x0a}), v6({0x0b})), ports(IPPROTO_TCP, 5000, 8443), 3, AF_INET6)), &t));
  BOOST_TEST(c.entries == 6u);
  const auto tp = t.top();
  BOOST_TEST(tp.n == 10u);
  BOOST_TEST(tp.capacity == 4096u);
  BOOST_REQUIRE(tp.sources.top.size() == 3u);
  BOOST_TEST(core::format_address(tp.sources.top[0].key) == "10.0.0.1");
  BOOST_TEST(tp.sources.top[0].count == 3u);
  BOOST_TEST(core::format_address(tp.sources.top[1].key) == "10.0.0.2");
  BOOST_TEST(tp.sources.top[1].count == 2u);
  BOOST_TEST(core::format_address(tp.sources.top[2].key) == "fd00::a");
  BOOST_TEST(tp.sources.counted == 6u);
  BOOST_REQUIRE(tp.destinations.top.size() == 3u);
  // TCP and UDP to the same address:port are one destination.
  BOOST_TEST(core::format_endpoint(tp.destinations.top[0].key) == "10.0.1.1:443");
  BOOST_TEST(tp.destinations.top[0].count == 4u);
  // ICMP has no port: :0.
  BOOST_TEST(core::format_endpoint(tp.destinations.top[1].key) == "10.0.1.2:0");
  BOOST_TEST(core::format_endpoint(tp.destinations.top[2].key) == "[fd00::b]:8443");
  // TIME_WAIT (state 7) lists hold only the three TIME_WAIT entries.
  BOOST_REQUIRE(tp.time_wait_sources.has_value());
  BOOST_REQUIRE(tp.time_wait_sources->top.size() == 1u);
  BOOST_TEST(tp.time_wait_sources->top[0].count == 3u);
  BOOST_TEST(tp.time_wait_sources->counted == 3u);
  BOOST_TEST(core::format_endpoint(tp.time_wait_destinations->top.at(0).key) == "10.0.1.1:443");
}

BOOST_AUTO_TEST_CASE(census_totals_are_the_same_with_and_without_peers) {
  std::vector<Buf> msgs{entry(ip4(1, 2), ports(IPPROTO_TCP, 1, 2), 7), entry(ip4(1, 3), ports(IPPROTO_TCP, 1, 2), 3),
                        entry(ip4(1, 2), ports(IPPROTO_UDP, 1, 2), std::nullopt),
                        entry(ip4(1, 2), icmp_proto(), std::nullopt)};
  core::Census a, b;
  core::PeerTally t(core::PeerOptions{}, 1);
  for (const auto& m : msgs) {
    core::census_add(a, payload(m));
    core::census_add(b, payload(m), &t);
  }
  BOOST_TEST(a.entries == b.entries);
  BOOST_TEST(a.tcp_states == b.tcp_states, boost::test_tools::per_element());
  BOOST_TEST(a.protocols == b.protocols, boost::test_tools::per_element());
  BOOST_TEST(!a.top_peers.has_value());
}

BOOST_AUTO_TEST_CASE(an_address_of_the_wrong_size_is_not_counted_as_a_peer) {
  core::PeerTally t(core::PeerOptions{}, 1);
  core::Census c;
  Buf bad_ip = nest(CTA_TUPLE_IP, {attr(CTA_IP_V4_SRC, Buf(3)), attr_be32(CTA_IP_V4_DST, 0x0a000001)});
  BOOST_TEST(core::census_add(c, payload(entry(bad_ip, ports(IPPROTO_TCP, 1, 80), 3)), &t));
  const auto tp = t.top();
  BOOST_TEST(tp.sources.counted == 0u);      // no usable source
  BOOST_TEST(tp.destinations.counted == 1u); // the destination is fine
  BOOST_TEST(c.entries == 1u);               // and the census still counts the entry
}

BOOST_AUTO_TEST_CASE(a_malformed_message_adds_no_peer) {
  core::PeerTally t(core::PeerOptions{}, 1);
  core::Census c;
  Buf m = entry(ip4(1, 2), ports(IPPROTO_TCP, 1, 80), 3);
  // Make CTA_TUPLE_IP claim more bytes than CTA_TUPLE_ORIG holds.
  const std::size_t ip_at = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(nfgenmsg)) + NLA_HDRLEN;
  nlattr h;
  std::memcpy(&h, m.data() + ip_at, sizeof h);
  BOOST_REQUIRE((h.nla_type & NLA_TYPE_MASK) == CTA_TUPLE_IP);
  h.nla_len = static_cast<std::uint16_t>(h.nla_len + 200);
  std::memcpy(m.data() + ip_at, &h, sizeof h);
  BOOST_TEST(!core::census_add(c, payload(m), &t));
  BOOST_TEST(c.malformed == 1u);
  BOOST_TEST(t.top().sources.counted == 0u);
}

BOOST_AUTO_TEST_SUITE_END()  // CensusPeers
BOOST_AUTO_TEST_SUITE_END()  // Peers
BOOST_AUTO_TEST_SUITE_END()  // Core
