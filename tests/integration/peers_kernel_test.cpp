// SPDX-License-Identifier: GPL-2.0-only
// TopPeers against the real kernel, in throwaway namespaces filled with
// ctwatch-fill: the Monitor's census counts the top sources and
// destinations exactly (ties, IPv6), the plugin's `flow` values follow,
// a table with far more distinct peers than the sketch holds still shows
// its dominant peer, and a namespace without census has no peers.
#include <algorithm>
#include <chrono>

#include "boost_test.hpp"
#include "core/metrics.hpp"
#include "cli/kernel_fill.hpp"
#include "source/monitor.hpp"

using namespace ctwatch;
using namespace ctwatch::test;

namespace {

core::Config ns_config(const FilledNetns& ns, std::size_t top, bool census = true) {
  core::Config cfg;
  cfg.namespaces.push_back({"it", ns->path()});
  cfg.namespace_census = census;
  // The first read censuses every namespace. A generous burst (100 % of
  // 30 s) so that the host's census, which walks the whole global hash table
  // (other tests' namespaces too), cannot use up the budget before ours.
  cfg.census_budget = 100;
  cfg.census_interval = 30;
  cfg.top_peers = top;
  return cfg;
}

const source::NamespaceReport* find(const std::vector<source::NamespaceReport>& r, const std::string& label) {
  for (const auto& x : r)
    if (x.label == label) return &x;
  return nullptr;
}

// The `flow` metrics of one report, in dispatch order, as
// "type_instance=value".
std::vector<std::string> flows(const source::NamespaceReport& r) {
  std::vector<std::string> out;
  for (const auto& m : core::to_metrics(r.snapshot))
    if (m.type == "flow") out.push_back(m.type_instance + "=" + std::to_string(static_cast<long long>(m.gauge)));
  return out;
}

void quiet(source::LogLevel, const std::string&) {}

}  // namespace

BOOST_AUTO_TEST_SUITE(KernelPeers)

// Sources: 10.1.0.1 x600, 10.1.0.4 x300, then a three-way tie at 150
// (10.1.0.2, 10.1.0.3, fd00::a), 10.1.0.9 x5. Destinations: 10.2.0.1:443 x600,
// a tie at 300 (10.2.0.2:80, 10.2.0.3:53), [fd00::b]:8443 x150, 10.2.0.9:0 x5.
BOOST_AUTO_TEST_CASE(exact_top_peers_and_flow_values_of_a_known_table) {
  FilledNetns ns("peers", {"--base-src 10.1.0.1 --src-count 1 tcp:TIME_WAIT=600@10.2.0.1:443",
                           "--base-src 10.1.0.2 --src-count 2 tcp:ESTABLISHED=200@10.2.0.2:80 udp=100@10.2.0.2:80",
                           "--base-src6 fd00::a --src-count 1 tcp6:TIME_WAIT=150@[fd00::b]:8443",
                           "--base-src 10.1.0.4 --src-count 1 udp=300@10.2.0.3:53",
                           "--base-src 10.1.0.9 --src-count 1 icmp=5@10.2.0.9"});
  source::Monitor m(ns_config(ns, 4), quiet);
  const auto reports = m.read();
  const auto* r = find(reports, "it");
  BOOST_REQUIRE(r);
  BOOST_REQUIRE(r->snapshot.census.has_value());
  const auto& c = r->snapshot.census->census;
  // The census itself is unchanged by counting peers.
  BOOST_TEST(c.entries == 1355u);
  BOOST_TEST(c.tcp_states[7] == 750u);
  BOOST_TEST(c.tcp_states[3] == 200u);
  BOOST_TEST(c.protocols[static_cast<std::size_t>(core::L4::Udp)] == 400u);
  BOOST_REQUIRE(c.top_peers.has_value());
  const auto& tp = *c.top_peers;
  BOOST_TEST(tp.n == 4u);
  BOOST_TEST(tp.sources.exact);
  BOOST_TEST(tp.destinations.exact);
  BOOST_TEST(tp.sources.counted == 1355u);
  BOOST_TEST(!tp.time_wait_sources.has_value());  // the plugin does not count TIME_WAIT lists
  const std::vector<std::string> want{"src-10.1.0.1=600",     "src-10.1.0.4=300",    "src-10.1.0.2=150",
                                      "src-10.1.0.3=150",     "dst-10.2.0.1:443=600", "dst-10.2.0.2:80=300",
                                      "dst-10.2.0.3:53=300",  "dst-[fd00::b]:8443=150"};
  BOOST_TEST(flows(*r) == want, boost::test_tools::per_element());
  // Flow values carry the census interval, like the rest of the census.
  for (const auto& metric : core::to_metrics(r->snapshot))
    if (metric.type == "flow") BOOST_TEST(metric.interval == r->snapshot.census->interval_seconds);

  // With N = 6 the tie at 150 is complete (IPv4 before IPv6) and 10.2.0.9
  // (ICMP, no port) appears as :0.
  source::Monitor m6(ns_config(ns, 6), quiet);
  const auto reports6 = m6.read();
  const auto* r6 = find(reports6, "it");
  BOOST_REQUIRE(r6);
  const auto f6 = flows(*r6);
  auto has = [&](const std::string& f) { return std::find(f6.begin(), f6.end(), f) != f6.end(); };
  BOOST_TEST(has("src-fd00::a=150"));
  BOOST_TEST(has("src-10.1.0.9=5"));
  BOOST_TEST(has("dst-10.2.0.9:0=5"));
  BOOST_TEST(f6.size() == 6u + 5u);  // every source, and the five destinations there are
}

// 20000 distinct one-entry sources (UDP) and one source with 3000 TCP
// entries: more distinct peers than the 4096-entry sketch holds. The
// dominant peer holds more than n/m = 23000/4096 entries, so it must be
// found, ranked first, with a count at most max_error too high.
BOOST_AUTO_TEST_CASE(dominant_peer_found_among_more_peers_than_the_sketch_holds) {
  FilledNetns ns("peersmany", {"--base-src 10.50.0.1 --src-count 20000 udp=20000@10.60.0.1:53",
                               "--base-src 10.9.9.9 --src-count 1 tcp=3000@10.60.0.2:443"});
  source::Monitor m(ns_config(ns, 5), quiet);
  const auto reports = m.read();
  const auto* r = find(reports, "it");
  BOOST_REQUIRE(r);
  BOOST_REQUIRE(r->snapshot.census.has_value());
  const auto& c = r->snapshot.census->census;
  BOOST_TEST(c.entries == 23000u);
  const auto& src = c.top_peers->sources;
  BOOST_TEST(!src.exact);
  BOOST_TEST(src.max_error <= 23000u / 4096u);
  BOOST_REQUIRE(!src.top.empty());
  BOOST_TEST(core::format_address(src.top[0].key) == "10.9.9.9");
  BOOST_TEST(src.top[0].count >= 3000u);
  BOOST_TEST(src.top[0].count - src.top[0].error <= 3000u);
  BOOST_TEST(src.top[0].count <= 3000u + src.max_error);
  // Every other listed source really has 1 entry: its estimate is bounded.
  for (std::size_t i = 1; i < src.top.size(); ++i) BOOST_TEST(src.top[i].count <= 1u + src.max_error);
  // Destinations: only two, so exact.
  const auto& dst = c.top_peers->destinations;
  BOOST_TEST(dst.exact);
  BOOST_REQUIRE(dst.top.size() == 2u);
  BOOST_TEST(core::format_endpoint(dst.top[0].key) == "10.60.0.1:53");
  BOOST_TEST(dst.top[0].count == 20000u);
  BOOST_TEST(dst.top[1].count == 3000u);
  const auto f = flows(*r);
  BOOST_TEST(f.at(0).rfind("src-10.9.9.9=", 0) == 0u);
}

BOOST_AUTO_TEST_CASE(no_census_no_peers_and_top_peers_zero_disables) {
  FilledNetns ns("peersoff", {"udp=7"});
  {
    source::Monitor m(ns_config(ns, 5, /*census=*/false), quiet);
    const auto reports = m.read();
    const auto* r = find(reports, "it");
    BOOST_REQUIRE(r);
    BOOST_TEST(!r->snapshot.census.has_value());
    BOOST_TEST(flows(*r).empty());
  }
  {
    source::Monitor m(ns_config(ns, 0), quiet);
    const auto reports = m.read();
    const auto* r = find(reports, "it");
    BOOST_REQUIRE(r);
    BOOST_REQUIRE(r->snapshot.census.has_value());
    BOOST_TEST(r->snapshot.census->census.entries == 7u);
    BOOST_TEST(!r->snapshot.census->census.top_peers.has_value());
    BOOST_TEST(flows(*r).empty());
  }
}

// One tally serves census after census (the Monitor shares one across all
// namespaces): each census starts from zero and sees only its own table.
BOOST_AUTO_TEST_CASE(a_reused_tally_follows_each_table) {
  FilledNetns a("peersa", {"--base-src 10.7.0.1 --src-count 1 udp=5@10.8.0.1:53"});
  FilledNetns b("peersb", {"--base-src 10.7.0.9 --src-count 1 udp=2@10.8.0.9:53"});
  FilledNetns c("peersc", {"--base-src 10.7.0.1 --src-count 1 udp=5@10.8.0.1:53",
                           "--base-src 10.7.0.2 --src-count 1 udp=9@10.8.0.2:123"});
  source::SamplerOptions opt;
  opt.mode = core::SourceMode::Netlink;
  core::PeerTally tally(core::PeerOptions{}, 7);
  auto top_sources = [&](const FilledNetns& ns) {
    auto s = source::NamespaceSampler::open("it", ns->path(), opt);
    BOOST_REQUIRE(s.ok());
    auto census = (*s)->census(std::chrono::steady_clock::now() + std::chrono::seconds(30), &tally);
    BOOST_REQUIRE(census.ok());
    std::vector<std::string> out;
    for (const auto& p : census->top_peers->sources.top)
      out.push_back(core::format_address(p.key) + "=" + std::to_string(p.count));
    return out;
  };
  using V = std::vector<std::string>;
  BOOST_TEST(top_sources(a) == (V{"10.7.0.1=5"}), boost::test_tools::per_element());
  BOOST_TEST(top_sources(b) == (V{"10.7.0.9=2"}), boost::test_tools::per_element());
  BOOST_TEST(top_sources(c) == (V{"10.7.0.2=9", "10.7.0.1=5"}), boost::test_tools::per_element());
  BOOST_TEST(top_sources(a) == (V{"10.7.0.1=5"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()  // KernelPeers
