// SPDX-License-Identifier: GPL-2.0-only
// The Monitor over a fake kernel. This executable defines
// source::open_netlink itself (a link seam: transport.cpp, which holds the
// real one, is then never pulled from the ctsource archive), so every
// NamespaceSampler talks to a FakeTransport, while the sysctls come from the
// fixture tree tests/data/proc (nf_conntrack_max = 4000 there).
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <netinet/in.h>

#include <chrono>
#include <cstring>
#include <thread>

#include "boost_test.hpp"
#include "fakes/fake_transport.hpp"
#include "source/monitor.hpp"

using namespace ctwatch;
using namespace ctwatch::test;

namespace {

std::uint16_t ct(std::uint8_t m) { return static_cast<std::uint16_t>((NFNL_SUBSYS_CTNETLINK << 8) | m); }

// What the fake kernel answers, set by each test case.
struct Kernel {
  bool max_entries = true;            // send CTA_STATS_GLOBAL_MAX_ENTRIES (kernels >= 4.18)
  int dump_datagrams = 1;             // datagrams of one census dump, 2 TCP entries each
  std::chrono::milliseconds dump_delay{0};  // before each of them
  std::uint32_t entries = 42;         // CTA_STATS_GLOBAL_ENTRIES
  std::uint32_t drop = 1;             // CTA_STATS_DROP
};
Kernel g_kernel;

std::vector<Buf> answer(const nlmsghdr& r) {
  if (r.nlmsg_type == ct(IPCTNL_MSG_CT_GET_STATS)) {
    const Buf entries = attr_be32(CTA_STATS_GLOBAL_ENTRIES, g_kernel.entries);
    const Buf stats = g_kernel.max_entries
                          ? nfmsg(ct(IPCTNL_MSG_CT_GET_STATS), 0, r.nlmsg_seq, 0,
                                  {entries, attr_be32(CTA_STATS_GLOBAL_MAX_ENTRIES, 1234)})
                          : nfmsg(ct(IPCTNL_MSG_CT_GET_STATS), 0, r.nlmsg_seq, 0, {entries});
    return {cat({stats, error(r.nlmsg_seq, 0)})};
  }
  if (r.nlmsg_type == ct(IPCTNL_MSG_CT_GET_STATS_CPU))
    return {cat({nfmsg(ct(IPCTNL_MSG_CT_GET_STATS_CPU), NLM_F_MULTI, r.nlmsg_seq, 0, {attr_be32(CTA_STATS_DROP, g_kernel.drop)}),
                 done(r.nlmsg_seq)})};
  std::vector<Buf> dump;
  for (int i = 0; i < g_kernel.dump_datagrams; ++i) {
    const Buf e = nfmsg(ct(IPCTNL_MSG_CT_NEW), NLM_F_MULTI, r.nlmsg_seq, 0,
                        {nest(CTA_TUPLE_ORIG, {nest(CTA_TUPLE_PROTO, {attr_u8(CTA_PROTO_NUM, IPPROTO_TCP)})}),
                         nest(CTA_PROTOINFO, {nest(CTA_PROTOINFO_TCP, {attr_u8(CTA_PROTOINFO_TCP_STATE, 7)})})},
                        AF_INET);
    dump.push_back(i + 1 == g_kernel.dump_datagrams ? cat({e, e, done(r.nlmsg_seq)}) : cat({e, e}));
  }
  return dump;
}

// FakeTransport, with the dump's datagrams arriving dump_delay apart.
class SlowTransport final : public source::Transport {
 public:
  core::Status send(core::Bytes request) override {
    nlmsghdr h;
    std::memcpy(&h, request.data(), sizeof h);
    dump_ = h.nlmsg_type == ct(IPCTNL_MSG_CT_GET);
    return fake_.send(request);
  }
  core::Result<std::size_t> recv(std::span<std::byte> buf) override {
    if (dump_) std::this_thread::sleep_for(g_kernel.dump_delay);
    return fake_.recv(buf);
  }
  std::uint32_t portid() const override { return 0; }

 private:
  FakeTransport fake_{answer};
  bool dump_ = false;
};

struct Fixture {
  Fixture() { g_kernel = Kernel{}; }

  std::vector<source::NamespaceReport> read_once(const core::Config& cfg) {
    source::Monitor m(cfg, [this](source::LogLevel, const std::string& l) { lines.push_back(l); },
                      test::data_dir() + "/proc");
    return m.read();
  }
  bool logged(const std::string& what) const {
    for (const auto& l : lines)
      if (l.find(what) != std::string::npos) return true;
    return false;
  }
  std::vector<std::string> lines;
};

core::Config netlink_config(double census_interval, double timeout) {
  core::Config cfg;
  cfg.source = core::SourceMode::Netlink;
  cfg.census_interval = census_interval;
  cfg.census_budget = 100;
  cfg.timeout = timeout;
  cfg.top_peers = 0;
  return cfg;
}

}  // namespace

namespace ctwatch::source {
core::Result<std::unique_ptr<Transport>> open_netlink(double) {
  return std::unique_ptr<Transport>(std::make_unique<SlowTransport>());
}
}  // namespace ctwatch::source

BOOST_AUTO_TEST_SUITE(Source)
BOOST_FIXTURE_TEST_SUITE(MonitorFakeKernel, Fixture)

BOOST_AUTO_TEST_CASE(max_comes_from_the_kernel_when_it_sends_it) {
  const auto r = read_once(netlink_config(30, 2));
  BOOST_REQUIRE(r.size() == 1u);
  BOOST_TEST(r[0].snapshot.entries.value() == 42u);
  BOOST_TEST(r[0].snapshot.max_entries.value() == 1234u);
}

// Kernels before 4.18 have no CTA_STATS_GLOBAL_MAX_ENTRIES: the README
// promises max from the nf_conntrack_max sysctl then, not an absent max.
BOOST_AUTO_TEST_CASE(max_comes_from_the_sysctl_without_max_entries) {
  g_kernel.max_entries = false;
  const auto r = read_once(netlink_config(30, 2));
  BOOST_REQUIRE(r.size() == 1u);
  BOOST_TEST(r[0].snapshot.entries.value() == 42u);
  BOOST_TEST(r[0].snapshot.max_entries.value() == 4000u);
}

// A census must finish within max(CensusInterval, Timeout): a dump that
// outlasts the smaller of the two but not the larger completes; beyond both
// it is abandoned (and logged), and the stats still come.
struct SlowDump {
  double census_interval;
  double timeout;
  int datagrams;
  int delay_ms;
  bool completes;
};
std::ostream& operator<<(std::ostream& o, const SlowDump& d) {
  return o << "CensusInterval " << d.census_interval << ", Timeout " << d.timeout << ", dump "
           << d.datagrams * d.delay_ms << " ms";
}
const SlowDump kSlowDumps[] = {
    {1, 0.05, 4, 100, true},    // past Timeout, within CensusInterval
    {1, 2, 6, 250, true},       // past CensusInterval, within Timeout
    {1, 0.05, 12, 100, false},  // past both
};

BOOST_DATA_TEST_CASE_F(Fixture, census_deadline_is_the_larger_of_census_interval_and_timeout,
                       boost::unit_test::data::make(kSlowDumps), d) {
  g_kernel.dump_datagrams = d.datagrams;
  g_kernel.dump_delay = std::chrono::milliseconds(d.delay_ms);
  const auto r = read_once(netlink_config(d.census_interval, d.timeout));
  BOOST_REQUIRE(r.size() == 1u);
  BOOST_TEST(r[0].snapshot.entries.value() == 42u);
  BOOST_REQUIRE(r[0].snapshot.census.has_value() == d.completes);
  if (d.completes) BOOST_TEST(r[0].snapshot.census->census.entries == 2u * static_cast<unsigned>(d.datagrams));
  else BOOST_TEST(logged("census of namespace \"host\" failed"));
}

// The page leaves at the fast-sampler tick that saw the condition, not at
// the next read; drops rising page at the read that saw them.
BOOST_AUTO_TEST_CASE(page_is_dispatched_by_the_tick_that_sees_it_and_drops_by_the_read) {
  core::Config cfg = netlink_config(30, 2);
  cfg.census = false;
  source::Monitor m(cfg, [this](source::LogLevel, const std::string& l) { lines.push_back(l); },
                    test::data_dir() + "/proc");
  std::vector<std::pair<std::string, core::PageEvent>> got;
  bool in_tick = false;
  std::vector<bool> from_tick;
  m.set_page_sink([&](const std::string& label, const core::PageEvent& e) {
    got.emplace_back(label, e);
    from_tick.push_back(in_tick);
  });
  g_kernel.entries = 400;  // of 1234
  (void)m.read();          // opens the namespace
  BOOST_TEST(got.empty());
  // A steep ramp, one tick every 20 ms, from 32 % to 65 %.
  for (std::uint32_t e = 400; e <= 800; e += 20) {
    g_kernel.entries = e;
    in_tick = true;
    m.tick();
    in_tick = false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  BOOST_REQUIRE(got.size() == 1u);
  BOOST_TEST(got[0].first == "host");
  BOOST_TEST((got[0].second.alert == core::PageAlert::FillingFast));
  BOOST_TEST((got[0].second.kind == core::PageEvent::Kind::Fire));
  BOOST_TEST(from_tick[0]);
  BOOST_TEST(got[0].second.fill >= 0.5);
  // The drop counter rises between two reads: PacketsDropped, from the read.
  (void)m.read();
  g_kernel.drop = 5;
  (void)m.read();
  BOOST_REQUIRE(got.size() == 2u);
  BOOST_TEST((got[1].second.alert == core::PageAlert::PacketsDropped));
  BOOST_TEST(got[1].second.counter == "drop");
  BOOST_TEST(!from_tick[1]);
}

BOOST_AUTO_TEST_CASE(without_a_sink_nothing_is_decided) {
  core::Config cfg = netlink_config(30, 2);
  cfg.census = false;
  source::Monitor m(cfg, [](source::LogLevel, const std::string&) {}, test::data_dir() + "/proc");
  g_kernel.entries = 1200;
  (void)m.read();
  for (int i = 0; i < 10; ++i) m.tick();
  BOOST_TEST(true);  // no sink: no crash, nothing to deliver
}

BOOST_AUTO_TEST_SUITE_END()  // MonitorFakeKernel
BOOST_AUTO_TEST_SUITE_END()  // Source
