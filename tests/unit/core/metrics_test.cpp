// SPDX-License-Identifier: GPL-2.0-only
// The metric contract (docs/metrics.md), checked on to_metrics() and
// against collectd's stock types.db: a value list with an unknown type is
// dropped by collectd with only an INFO line, so a typo here would be silent.
#include "boost_test.hpp"
#include "core/metrics.hpp"
#include "contract_generated.hpp"
#include "support/nl_builder.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <sstream>

using namespace ctwatch;

namespace {

core::Snapshot full_snapshot() {
  core::Snapshot s;
  s.entries = 800;
  s.max_entries = 1000;
  s.peak_entries = 900;
  s.seconds_to_full = 42.5;
  s.read_failures = 3;
  s.census_age = 12;
  for (auto& c : s.counters) c = 5;
  for (auto& t : s.tunables) t = 1;
  core::CensusSample cs;
  cs.census.tcp_states[7] = 3;
  cs.census.protocols[1] = 4;
  cs.wall_seconds = 0.25;
  cs.interval_seconds = 30;
  s.census = cs;
  return s;
}

std::set<std::string> keys(const std::vector<core::Metric>& ms) {
  std::set<std::string> out;
  for (const auto& m : ms) out.insert(std::string(m.type) + "/" + m.type_instance);
  return out;
}

// The contract: docs/metrics.md's metric table, generated into this header by
// tests/contract.py at build time (the e2e test and the dashboard lint read
// the same table).
using test::kContract;
using test::kPluginContract;

}  // namespace

BOOST_AUTO_TEST_SUITE(Core)
BOOST_AUTO_TEST_SUITE(Metrics)

BOOST_AUTO_TEST_CASE(full_snapshot_is_exactly_the_contract) {
  std::set<std::string> want;
  for (const auto& [type, insts] : kContract)
    for (const auto& i : insts) want.insert(type + "/" + i);
  const auto got = keys(core::to_metrics(full_snapshot()));
  BOOST_TEST(got == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(plugin_health_is_exactly_the_per_plugin_contract) {
  std::set<std::string> want;
  for (const auto& [type, insts] : kPluginContract)
    for (const auto& i : insts) want.insert(type + "/" + i);
  BOOST_TEST(!want.empty());
  const core::PluginHealth h{7, 2, 5};
  const auto metrics = core::to_metrics(h);
  BOOST_TEST(keys(metrics) == want, boost::test_tools::per_element());
  for (const auto& m : metrics) {
    BOOST_TEST_CONTEXT(m.type << "/" << m.type_instance) {
      if (m.type_instance == "namespaces_sampled") BOOST_TEST(m.gauge == 7.0);
      if (m.type_instance == "namespaces_unsampled") BOOST_TEST(m.gauge == 2.0);
      if (m.type_instance == "censuses_deferred") {
        BOOST_TEST((m.kind == core::ValueKind::Derive));
        BOOST_TEST(m.derive == 5);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(values_and_kinds) {
  for (const auto& m : core::to_metrics(full_snapshot())) {
    BOOST_TEST_CONTEXT(m.type << "/" << m.type_instance) {
      const bool derive = m.type == "errors" || m.type == "operations" || m.type == "derive";
      BOOST_TEST((m.kind == core::ValueKind::Derive) == derive);
      if (m.type_instance == "used") BOOST_TEST(m.gauge == 80.0);
      if (m.type_instance == "TIME_WAIT") BOOST_TEST(m.gauge == 3.0);
      if (m.type_instance == "udp") BOOST_TEST(m.gauge == 4.0);
      if (m.type_instance == "census") BOOST_TEST(m.gauge == 0.25);
      if (m.type_instance == "peak") BOOST_TEST(m.gauge == 900.0);
      if (m.type_instance == "time_to_full") BOOST_TEST(m.gauge == 42.5);
      if (m.type_instance == "read_failures") BOOST_TEST(m.derive == 3);
      if (m.type_instance == "census_age") BOOST_TEST(m.gauge == 12.0);
      if (m.type_instance == "source_netlink") BOOST_TEST(m.gauge == 1.0);
      const bool census = m.type == "tcp_connections" || m.type == "current_connections" ||
                          m.type_instance.find("-assured") != std::string::npos ||
                          m.type_instance.find("-unreplied") != std::string::npos || m.type_instance == "census";
      BOOST_TEST(m.interval == (census ? 30.0 : 0.0));
    }
  }
}

// "Not growing" is +infinity, dispatched as such: never a small number,
// never dropped (absent means "not enough samples yet").
BOOST_AUTO_TEST_CASE(time_to_full_not_growing_is_infinite) {
  core::Snapshot s;
  s.entries = 1;
  s.seconds_to_full = std::numeric_limits<double>::infinity();
  const auto ms = core::to_metrics(s);
  auto it = std::find_if(ms.begin(), ms.end(), [](const core::Metric& m) { return m.type_instance == "time_to_full"; });
  BOOST_REQUIRE(it != ms.end());
  BOOST_TEST(std::isinf(it->gauge));
  BOOST_TEST(it->gauge > 0);
}

BOOST_AUTO_TEST_CASE(absent_is_not_dispatched) {
  core::Snapshot s;
  s.entries = 10;  // no max: no percent either
  const auto got = keys(core::to_metrics(s));
  // Self-health is always there: the source in use and the read failures.
  BOOST_TEST(got == (std::set<std::string>{"conntrack/entries", "gauge/source_netlink", "derive/read_failures"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(proc_fallback_says_so) {
  core::Snapshot s;
  s.source = core::Source::Proc;
  s.census_age = std::numeric_limits<double>::infinity();
  for (const auto& m : core::to_metrics(s)) {
    if (m.type_instance == "source_netlink") BOOST_TEST(m.gauge == 0.0);
    if (m.type_instance == "census_age") BOOST_TEST(std::isinf(m.gauge));
  }
}

BOOST_AUTO_TEST_CASE(missing_kernel_counter_is_not_a_fake_zero) {
  core::Snapshot s = full_snapshot();
  s.counters[static_cast<std::size_t>(core::Counter::ChainTooLong)].reset();
  const auto got = keys(core::to_metrics(s));
  BOOST_TEST(!got.count("errors/chaintoolong"));
  BOOST_TEST(got.count("errors/drop"));
}

BOOST_AUTO_TEST_CASE(zero_max_gives_no_percent) {
  core::Snapshot s;
  s.entries = 0;
  s.max_entries = 0;
  BOOST_TEST(!keys(core::to_metrics(s)).count("percent/used"));
}

BOOST_AUTO_TEST_CASE(every_type_is_in_stock_types_db_with_one_matching_ds) {
  const std::string db = test::read_text("/usr/share/collectd/types.db");
  BOOST_REQUIRE_MESSAGE(!db.empty(), "/usr/share/collectd/types.db missing: install collectd-core");
  std::map<std::string, std::string> types;  // type -> "name:KIND:min:max" (single DS only)
  std::istringstream in(db);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string name, ds, extra;
    if (!(ls >> name >> ds) || name[0] == '#') continue;
    if (ls >> extra) continue;  // multi-DS types cannot be ours
    types[name] = ds;
  }
  for (const auto& m : core::to_metrics(full_snapshot())) {
    BOOST_TEST_CONTEXT(m.type) {
      const auto it = types.find(std::string(m.type));
      BOOST_REQUIRE(it != types.end());
      const bool derive = it->second.find(":DERIVE:") != std::string::npos;
      const bool gauge = it->second.find(":GAUGE:") != std::string::npos;
      BOOST_TEST((m.kind == core::ValueKind::Derive ? derive : gauge));
    }
  }
}

core::Snapshot snapshot_with_peers() {
  core::Snapshot s = full_snapshot();
  core::TopPeers tp;
  tp.n = 2;
  tp.sources.top = {{core::ipv4_peer(0xc6120001), 0x01abcdef, 0}, {core::ipv4_peer(0xc6120002), 7, 0}};
  std::array<std::uint8_t, 16> v6{0xfd, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1};
  tp.destinations.top = {{core::ipv6_peer(v6, 8443), 0x02abcdef, 0}, {core::ipv4_peer(0xc6130001, 80), 3, 0}};
  s.census->census.top_peers = tp;
  return s;
}

BOOST_AUTO_TEST_CASE(top_peers_are_flow_values_with_the_census_interval) {
  std::vector<core::Metric> flows;
  for (const auto& m : core::to_metrics(snapshot_with_peers()))
    if (m.type == "flow") flows.push_back(m);
  BOOST_REQUIRE(flows.size() == 4u);
  // Sources first, then destinations, each in rank order.
  BOOST_TEST(flows[0].type_instance == "src-198.18.0.1");
  BOOST_TEST(flows[0].gauge == static_cast<double>(0x01abcdef));
  BOOST_TEST(flows[1].type_instance == "src-198.18.0.2");
  BOOST_TEST(flows[1].gauge == 7.0);
  BOOST_TEST(flows[2].type_instance == "dst-[fd00:0:0:2::1]:8443");
  BOOST_TEST(flows[2].gauge == static_cast<double>(0x02abcdef));
  BOOST_TEST(flows[3].type_instance == "dst-198.19.0.1:80");
  for (const auto& f : flows) {
    BOOST_TEST((f.kind == core::ValueKind::Gauge));
    BOOST_TEST(f.interval == 30.0);
    BOOST_TEST(f.type_instance.size() <= 127u);
  }
}

BOOST_AUTO_TEST_CASE(no_top_peers_no_flow) {
  const auto got = core::to_metrics(full_snapshot());
  BOOST_TEST(std::none_of(got.begin(), got.end(), [](const core::Metric& m) { return m.type == "flow"; }));
  core::Snapshot s = snapshot_with_peers();
  s.census.reset();  // a read without a census dispatches no peers either
  const auto none = core::to_metrics(s);
  BOOST_TEST(std::none_of(none.begin(), none.end(), [](const core::Metric& m) { return m.type == "flow"; }));
}

BOOST_AUTO_TEST_CASE(flow_is_a_single_gauge_in_stock_types_db) {
  const std::string db = test::read_text("/usr/share/collectd/types.db");
  BOOST_REQUIRE_MESSAGE(!db.empty(), "/usr/share/collectd/types.db missing: install collectd-core");
  std::istringstream in(db);
  std::string line;
  bool found = false;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string name, ds, extra;
    if (!(ls >> name >> ds) || name != "flow") continue;
    found = true;
    BOOST_TEST(ds.find(":GAUGE:") != std::string::npos);
    BOOST_TEST(!(ls >> extra));
  }
  BOOST_TEST(found);
}

BOOST_AUTO_TEST_SUITE_END()  // Metrics
BOOST_AUTO_TEST_SUITE_END()  // Core
