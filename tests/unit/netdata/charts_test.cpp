// SPDX-License-Identifier: GPL-2.0-only
// The plugins.d text ChartWriter writes, against golden files in golden/
// (CTWATCH_UPDATE_GOLDEN=1 rewrites them; review the diff). Distinctive
// values prove the field mapping; the golden files are the protocol
// contract Netdata 1.37 reads (tests/netdata/run.sh feeds the same writer to
// the real daemon).
#include "boost_test.hpp"
#include "netdata/charts.hpp"

#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>

#include "core/census.hpp"
#include "core/peers.hpp"

using namespace ctwatch;
using Reports = std::vector<std::pair<std::string, core::Snapshot>>;

namespace {

std::string golden_path(const std::string& name) { return std::string(CTWATCH_UNIT_DIR) + "/golden/" + name; }

void check_golden(const std::string& name, const std::string& got) {
  const std::string path = golden_path(name);
  if (const char* u = std::getenv("CTWATCH_UPDATE_GOLDEN"); u && std::string(u) == "1") {
    std::ofstream(path, std::ios::binary) << got;
    return;
  }
  std::ifstream in(path, std::ios::binary);
  BOOST_TEST_REQUIRE(static_cast<bool>(in), "missing golden file " << path);
  std::stringstream ss;
  ss << in.rdbuf();
  BOOST_TEST(ss.str() == got, "output differs from " << path << " (CTWATCH_UPDATE_GOLDEN=1 to update)");
}

core::PeerCount peer(std::uint32_t addr, std::uint16_t port, std::uint64_t count) {
  return core::PeerCount{core::ipv4_peer(addr, port), count, 0};
}

core::Snapshot snapshot() {
  core::Snapshot s;
  s.entries = 851;
  s.max_entries = 1000;
  s.peak_entries = 873;
  s.seconds_to_full = 123.4567;
  s.read_failures = 2;
  s.census_age = 1.25;
  s.counters[static_cast<std::size_t>(core::Counter::Found)] = 0x01abcdef;
  s.counters[static_cast<std::size_t>(core::Counter::Drop)] = 0x02abcdef;
  s.counters[static_cast<std::size_t>(core::Counter::InsertFailed)] = 0x03abcdef;
  s.tunable(core::Tunable::Buckets) = 4096;
  s.tunable(core::Tunable::TcpTimeoutTimeWait) = 120;
  core::CensusSample cs;
  cs.census.tcp_states[core::kTcpTimeWait] = 701;
  cs.census.tcp_states[3] = 101;
  cs.census.protocols[0] = 802;
  cs.census.protocols[1] = 49;
  cs.census.assured[0] = 802;
  cs.census.unreplied[1] = 49;
  cs.census.entries = 851;
  cs.wall_seconds = 0.001234;
  core::TopPeers tp;
  tp.sources.top = {peer(0xc6120001, 0, 500), peer(0xc6120002, 0, 300)};
  tp.destinations.top = {peer(0xc6130001, 80, 800)};
  tp.unreplied_sources = core::PeerList{};
  tp.unreplied_sources->top = {peer(0xc6120003, 0, 49)};
  cs.census.top_peers = tp;
  s.census = cs;
  return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(Netdata)
BOOST_AUTO_TEST_SUITE(Charts)

BOOST_AUTO_TEST_CASE(first_update_defines_then_second_only_sets) {
  netdata::ChartWriter w({1, 2});
  core::PluginHealth h{2, 1, 7};
  std::string out;
  core::Snapshot s = snapshot();
  w.update({{"host", s}, {"web.v1", core::Snapshot{}}}, h, out);
  out += "# ---- second update: census not repeated by the Monitor, repeated by the writer\n";
  s.census.reset();
  s.entries = 852;
  s.seconds_to_full = std::numeric_limits<double>::infinity();
  w.update({{"host", s}, {"web.v1", core::Snapshot{}}}, h, out);
  check_golden("full.txt", out);
}

BOOST_AUTO_TEST_CASE(absent_values_are_never_zero) {
  netdata::ChartWriter w({1, 5});
  std::string out;
  core::Snapshot s;  // nothing known: no SET of entries, no counter dimension
  s.source = core::Source::Proc;
  w.update({{"host", s}}, {}, out);
  BOOST_TEST(out.find("SET 'entries'") == std::string::npos);
  BOOST_TEST(out.find("ctwatch_host.drops") == std::string::npos);
  BOOST_TEST(out.find("ctwatch_host.tcp_states") == std::string::npos);
  BOOST_TEST(out.find("SET 'netlink' = 0") != std::string::npos);
  // A counter that appears later becomes a dimension then (CHART re-sent).
  s.counters[static_cast<std::size_t>(core::Counter::Drop)] = 5;
  out.clear();
  w.update({{"host", s}}, {}, out);
  BOOST_TEST(out.find("DIMENSION 'drop' 'drop' incremental 1 1 ''") != std::string::npos);
  BOOST_TEST(out.find("insert_failed") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(peer_dimensions_are_bounded) {
  netdata::ChartWriter w({1, 2});  // at most 4 dimensions per peer chart
  std::size_t defined = 0, obsoleted = 0;
  for (std::uint32_t round = 0; round < 10; ++round) {
    core::Snapshot s = snapshot();
    s.census->census.top_peers->sources.top = {peer(0x0a000000 + 2 * round, 0, 9),
                                               peer(0x0a000001 + 2 * round, 0, 8)};
    std::string out;
    w.update({{"host", s}}, {}, out);
    std::istringstream in(out);
    bool in_sources = false;
    for (std::string line; std::getline(in, line);) {
      if (line.rfind("CHART ", 0) == 0) in_sources = line.find(".top_sources ") != std::string::npos;
      if (!in_sources || line.rfind("DIMENSION ", 0) != 0) continue;
      if (line.find("'obsolete'") != std::string::npos) ++obsoleted;
      else ++defined;
    }
  }
  BOOST_TEST(defined == 20u);
  BOOST_TEST(defined - obsoleted == 4u);  // live dimensions never exceed 2 x TopPeers
}

BOOST_AUTO_TEST_CASE(vanished_namespace_is_made_obsolete_once) {
  netdata::ChartWriter w({1, 0});
  std::string out;
  w.update({{"host", core::Snapshot{}}, {"gone", core::Snapshot{}}}, {}, out);
  std::size_t obsolete_lines = 0;
  for (unsigned i = 0; i < netdata::kForgetAfter + 3; ++i) {
    out.clear();
    w.update({{"host", core::Snapshot{}}}, {}, out);
    for (std::size_t p = out.find("'obsolete'"); p != std::string::npos; p = out.find("'obsolete'", p + 1))
      ++obsolete_lines;
    if (i + 1 < netdata::kForgetAfter) BOOST_TEST(obsolete_lines == 0u);
  }
  // Its five charts (entries, fill, time_to_full, source, read_failures), once.
  BOOST_TEST(obsolete_lines == 5u);
}

BOOST_AUTO_TEST_CASE(chart_type_sanitizes_labels) {
  BOOST_TEST(netdata::ChartWriter::chart_type("web.v1-a") == "ctwatch_web_v1_a");
}

BOOST_AUTO_TEST_SUITE_END()  // Charts
BOOST_AUTO_TEST_SUITE_END()  // Netdata
