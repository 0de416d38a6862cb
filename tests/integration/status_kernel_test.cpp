// SPDX-License-Identifier: GPL-2.0-only
// The status census against the real kernel: a throwaway namespace filled
// by ctwatch-fill with a known number of assured and unreplied entries per
// protocol (CTA_STATUS with and without IPS_SEEN_REPLY / IPS_ASSURED, see
// tools/ctwatch-fill/README.md "Status bits"), counted exactly by the
// Monitor's census, exported as type conntrack "<proto>-assured" /
// "<proto>-unreplied", and the unreplied entries' holders as
// "unreplied-src-" / "unreplied-dst-" flows.
#include <algorithm>
#include <map>

#include "boost_test.hpp"
#include "cli/kernel_fill.hpp"
#include "core/metrics.hpp"
#include "source/monitor.hpp"

using namespace ctwatch;
using namespace ctwatch::test;

namespace {

void quiet(source::LogLevel, const std::string&) {}

std::size_t idx(core::L4 p) { return static_cast<std::size_t>(p); }

}  // namespace

BOOST_AUTO_TEST_SUITE(KernelStatus)

// tcp: ESTABLISHED is SEEN_REPLY|ASSURED, SYN_RECV SEEN_REPLY only, SYN_SENT
// nothing (unreplied); udp/udp6/icmp/sctp/gre: ASSURED, REPLIED (SEEN_REPLY
// only) or UNREPLIED.
BOOST_AUTO_TEST_CASE(assured_and_unreplied_per_protocol_counted_exactly) {
  FilledNetns ns("status", {"--base-src 10.3.0.1 --src-count 4 tcp:ESTABLISHED=300@10.4.0.1:443",
                            "--base-src 10.3.0.9 --src-count 1 tcp:SYN_SENT=120@10.4.0.80:80",
                            "--base-src 10.3.0.20 tcp:SYN_RECV=40@10.4.0.1:443",
                            "--base-src6 fd00::c --src-count 1 tcp6:SYN_SENT=30@[fd00::d]:8443",
                            "--base-src 10.3.1.1 udp=200@10.4.0.53:53",
                            "--base-src 10.3.2.1 udp:REPLIED=50@10.4.0.53:53",
                            "--base-src 10.3.0.7 --src-count 1 udp:UNREPLIED=70@10.4.0.54:4789",
                            "--base-src6 fd00::e udp6:UNREPLIED=10@[fd00::f]:53",
                            "--base-src 10.3.3.1 icmp:UNREPLIED=7@10.4.0.9",
                            "--base-src 10.3.4.1 icmp=3@10.4.0.9",
                            "--base-src 10.3.5.1 sctp:UNREPLIED=9@10.4.0.10:5000",
                            "--base-src 10.3.6.1 gre:UNREPLIED=4@10.4.0.11:1"});
  core::Config cfg;
  cfg.namespaces.push_back({"it", ns->path()});
  cfg.namespace_census = true;
  cfg.census_budget = 100;
  cfg.census_interval = 30;
  cfg.top_peers = 3;
  source::Monitor m(cfg, quiet);
  const auto reports = m.read();
  const auto it = std::find_if(reports.begin(), reports.end(), [](const auto& r) { return r.label == "it"; });
  BOOST_REQUIRE(it != reports.end());
  BOOST_REQUIRE(it->snapshot.census.has_value());
  const core::Census& c = it->snapshot.census->census;
  BOOST_TEST(c.entries == 843u);
  BOOST_TEST(c.assured[idx(core::L4::Tcp)] == 300u);
  BOOST_TEST(c.unreplied[idx(core::L4::Tcp)] == 150u);
  BOOST_TEST(c.assured[idx(core::L4::Udp)] == 200u);
  BOOST_TEST(c.unreplied[idx(core::L4::Udp)] == 80u);
  BOOST_TEST(c.assured[idx(core::L4::Icmp)] == 3u);
  BOOST_TEST(c.unreplied[idx(core::L4::Icmp)] == 7u);
  BOOST_TEST(c.assured[idx(core::L4::Sctp)] == 0u);
  BOOST_TEST(c.unreplied[idx(core::L4::Sctp)] == 9u);
  BOOST_TEST(c.unreplied[idx(core::L4::Gre)] == 4u);
  for (auto p : {core::L4::Icmpv6, core::L4::Dccp, core::L4::Udplite, core::L4::Other}) {
    BOOST_TEST(c.assured[idx(p)] == 0u);
    BOOST_TEST(c.unreplied[idx(p)] == 0u);
  }

  // Exported: every protocol's two values, zeros included.
  std::map<std::string, double> cc;
  std::vector<std::string> ur_flows;
  for (const auto& x : core::to_metrics(it->snapshot)) {
    if (x.type == "conntrack" && x.type_instance.find('-') != std::string::npos) cc[x.type_instance] = x.gauge;
    if (x.type == "flow" && x.type_instance.rfind("unreplied-", 0) == 0)
      ur_flows.push_back(x.type_instance + "=" + std::to_string(static_cast<long long>(x.gauge)));
  }
  BOOST_TEST(cc.at("tcp-unreplied") == 150.0);
  BOOST_TEST(cc.at("udp-unreplied") == 80.0);
  BOOST_TEST(cc.at("tcp-assured") == 300.0);
  BOOST_TEST(cc.at("icmpv6-unreplied") == 0.0);
  BOOST_TEST(cc.size() == 18u);

  // Who holds the unreplied entries: 10.3.0.9 (120 SYN_SENT), 10.3.0.7 (70
  // UDP to 4789), fd00::c (30); destinations 10.4.0.80:80, 10.4.0.54:4789,
  // [fd00::d]:8443.
  const std::vector<std::string> want{"unreplied-src-10.3.0.9=120", "unreplied-src-10.3.0.7=70",
                                      "unreplied-src-fd00::c=30", "unreplied-dst-10.4.0.80:80=120",
                                      "unreplied-dst-10.4.0.54:4789=70", "unreplied-dst-[fd00::d]:8443=30"};
  BOOST_TEST(ur_flows == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
