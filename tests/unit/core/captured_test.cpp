// SPDX-License-Identifier: GPL-2.0-only
// Replays netlink bytes recorded from the real kernel (tests/data/netlink,
// made by tests/tools/capture.sh; provenance in README.md there).
#include "boost_test.hpp"
#include "core/census.hpp"
#include "core/netlink.hpp"
#include "core/stats.hpp"
#include "support/nl_builder.hpp"

#include <filesystem>

using namespace ctwatch;

namespace {
test::Buf load(const std::string& name) {
  const std::string p = test::data_dir() + "/netlink/" + name;
  BOOST_REQUIRE_MESSAGE(std::filesystem::exists(p), p << " missing: run tests/tools/capture.sh");
  return test::read_file(p);
}
}  // namespace

BOOST_AUTO_TEST_SUITE(Core)
BOOST_AUTO_TEST_SUITE(Captured)

BOOST_AUTO_TEST_CASE(stats_reply) {
  const auto b = load("stats.bin");
  std::optional<core::GlobalStats> g;
  auto on = [&](const core::Message& m) { g = core::decode_stats_global(m.payload); };
  const auto r = core::walk_messages(core::Bytes(b), 0, 0, on);
  BOOST_TEST(static_cast<int>(r.status) == static_cast<int>(core::WalkStatus::Done));
  BOOST_REQUIRE(g.has_value());
  // The capture namespace held exactly the table capture.sh built.
  BOOST_TEST(g->entries.value() == 1026u);
  BOOST_TEST(g->max_entries.value() > 0u);
}

BOOST_AUTO_TEST_CASE(stats_cpu_dump) {
  const auto b = load("stats_cpu.bin");
  std::vector<core::CpuStats> cpus;
  auto on = [&](const core::Message& m) {
    auto c = core::decode_stats_cpu(m.payload);
    BOOST_REQUIRE(c.has_value());
    cpus.push_back(*c);
  };
  const auto r = core::walk_messages(core::Bytes(b), 0, 0, on);
  BOOST_TEST(static_cast<int>(r.status) == static_cast<int>(core::WalkStatus::Done));
  BOOST_REQUIRE(!cpus.empty());
  std::uint64_t insert = 0;
  for (std::size_t i = 0; i < cpus.size(); ++i) {
    BOOST_TEST(cpus[i].cpu == i);
    // A 6.18 kernel sends every counter we know, including >= 5.15 ones.
    for (const auto& v : cpus[i].counters) BOOST_TEST(v.has_value());
    insert += *cpus[i].counters[static_cast<std::size_t>(core::Counter::Insert)];
  }
  // Entries created over ctnetlink are inserted through the same path.
  BOOST_TEST(insert >= 1026u);
}

BOOST_AUTO_TEST_CASE(census_of_a_known_table) {
  const auto b = load("dump.bin");
  core::Census c;
  auto on = [&](const core::Message& m) { BOOST_TEST(core::census_add(c, m.payload)); };
  const auto r = core::walk_messages(core::Bytes(b), 0, 0, on);
  BOOST_TEST(static_cast<int>(r.status) == static_cast<int>(core::WalkStatus::Done));
  // capture.sh: tcp:TIME_WAIT=800 tcp:ESTABLISHED=150 tcp:SYN_SENT=5
  // tcp6:CLOSE_WAIT=7 udp=50 udp6=4 icmp=3 sctp=2 gre=5
  BOOST_TEST(c.entries == 1026u);
  BOOST_TEST(c.tcp_states[7] == 800u);
  BOOST_TEST(c.tcp_states[3] == 150u);
  BOOST_TEST(c.tcp_states[1] == 5u);
  BOOST_TEST(c.tcp_states[5] == 7u);
  BOOST_TEST(c.protocols[static_cast<std::size_t>(core::L4::Tcp)] == 962u);
  BOOST_TEST(c.protocols[static_cast<std::size_t>(core::L4::Udp)] == 54u);
  BOOST_TEST(c.protocols[static_cast<std::size_t>(core::L4::Icmp)] == 3u);
  BOOST_TEST(c.protocols[static_cast<std::size_t>(core::L4::Sctp)] == 2u);
  BOOST_TEST(c.protocols[static_cast<std::size_t>(core::L4::Gre)] == 5u);
  BOOST_TEST(c.malformed == 0u);
}

BOOST_AUTO_TEST_CASE(every_truncation_of_a_real_dump_is_safe) {
  // Cutting a real multi-message datagram at any byte must never read out of
  // bounds (ASan build) and never count a partial message.
  const auto b = load("dump.bin");
  const std::size_t n = std::min<std::size_t>(b.size(), 4096);
  for (std::size_t cut = 0; cut < n; ++cut) {
    core::Census c;
    auto on = [&](const core::Message& m) { core::census_add(c, m.payload); };
    (void)core::walk_messages(core::Bytes(b.data(), cut), 0, 0, on);
    BOOST_TEST(c.entries <= 1026u);
  }
}

BOOST_AUTO_TEST_SUITE_END()  // Captured
BOOST_AUTO_TEST_SUITE_END()  // Core
