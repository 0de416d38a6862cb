// SPDX-License-Identifier: GPL-2.0-only
// The page policy: the decision, its edges and the NOTICE wording, on
// numbers chosen so a swapped threshold or an off-by-one edge shows.
#include <algorithm>
#include <limits>

#include <arpa/inet.h>
#include <sys/socket.h>

#include "boost_test.hpp"
#include "core/page_notifier.hpp"
#include "core/page_policy.hpp"
#include "core/thresholds.hpp"

using namespace ctwatch;

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
}  // namespace

BOOST_AUTO_TEST_SUITE(Core)
BOOST_AUTO_TEST_SUITE(PagePolicy)

BOOST_AUTO_TEST_CASE(page_condition_matches_the_alerts) {
  BOOST_TEST(!core::page_condition(0, 0, 1.0));
  BOOST_TEST(core::page_condition(80, 100, std::nullopt));
  BOOST_TEST(!core::page_condition(79, 100, std::nullopt));
  BOOST_TEST(core::page_condition(50, 100, 299.0));
  BOOST_TEST(!core::page_condition(50, 100, 300.0));
  BOOST_TEST(!core::page_condition(49, 100, 10.0));
  BOOST_TEST(!core::page_condition(60, 100, std::numeric_limits<double>::infinity()));
}

BOOST_AUTO_TEST_CASE(the_reason_names_the_alert) {
  using core::PageReason;
  BOOST_TEST((core::page_reason(800, 1000, std::nullopt) == PageReason::NearlyFull));
  // Nearly full wins over filling fast: the table is past the page level.
  BOOST_TEST((core::page_reason(900, 1000, 5.0) == PageReason::NearlyFull));
  BOOST_TEST((core::page_reason(500, 1000, 299.9) == PageReason::FillingFast));
  BOOST_TEST((core::page_reason(799, 1000, kInf) == PageReason::None));
  BOOST_TEST((core::page_reason(499, 1000, 0.5) == PageReason::None));
  BOOST_TEST((core::page_reason(5, 0, 0.5) == PageReason::None));
}

BOOST_AUTO_TEST_CASE(time_to_full_is_needed_only_between_the_gate_and_the_page) {
  BOOST_TEST(!core::time_to_full_decides(499, 1000));
  BOOST_TEST(core::time_to_full_decides(500, 1000));
  BOOST_TEST(core::time_to_full_decides(799, 1000));
  BOOST_TEST(!core::time_to_full_decides(800, 1000));
  BOOST_TEST(!core::time_to_full_decides(10, 0));
}

BOOST_AUTO_TEST_CASE(the_edge_fires_once_per_crossing_and_reports_the_clear) {
  core::PageEdge e;
  auto d = e.update(700, 1000, kInf);
  BOOST_TEST((!d.paging() && !d.crossed && !d.cleared));
  d = e.update(810, 1000, std::nullopt);
  BOOST_TEST((d.paging() && d.crossed && !d.cleared));
  // Still paging, now for the other reason: no second crossing.
  d = e.update(600, 1000, 100.0);
  BOOST_TEST((d.reason == core::PageReason::FillingFast && !d.crossed && !d.cleared));
  d = e.update(600, 1000, kInf);
  BOOST_TEST((!d.paging() && !d.crossed && d.cleared));
  BOOST_TEST(!e.paging());
  d = e.update(990, 1000, 1.0);
  BOOST_TEST(d.crossed);
}

BOOST_AUTO_TEST_CASE(an_unknown_size_never_pages) {
  core::PageEdge e;
  BOOST_TEST(!e.update(990, std::nullopt, 1.0).paging());
  BOOST_TEST(e.update(990, 1000, 1.0).crossed);
  // Losing the size clears the page, as the plugin always did.
  BOOST_TEST(e.update(990, std::nullopt, 1.0).cleared);
}

BOOST_AUTO_TEST_CASE(drops_rise_only_between_two_readings) {
  core::CounterTotals a{}, b{};
  BOOST_TEST(!core::drops_rising(a, b));
  a[static_cast<std::size_t>(core::Counter::Drop)] = 7;
  b[static_cast<std::size_t>(core::Counter::Drop)] = 8;
  BOOST_TEST(core::drops_rising(a, b));
  BOOST_TEST(!core::drops_rising(b, a));
  b[static_cast<std::size_t>(core::Counter::Drop)] = 7;
  b[static_cast<std::size_t>(core::Counter::InsertFailed)] = 3;
  BOOST_TEST(!core::drops_rising(a, b));  // no earlier insert_failed reading
  a[static_cast<std::size_t>(core::Counter::InsertFailed)] = 2;
  BOOST_TEST(core::drops_rising(a, b));
  // Other counters do not count.
  core::CounterTotals c = a;
  c[static_cast<std::size_t>(core::Counter::EarlyDrop)] = 1;
  core::CounterTotals d = a;
  d[static_cast<std::size_t>(core::Counter::EarlyDrop)] = 99;
  BOOST_TEST(!core::drops_rising(c, d));
}

BOOST_AUTO_TEST_CASE(the_notice_wording) {
  BOOST_TEST(core::describe_fill(850, 1000, 12.54) == "85 % full (850 of 1000 entries, full in about 12.5 s)");
  BOOST_TEST(core::describe_fill(850, 1000, kInf) == "85 % full (850 of 1000 entries)");
  BOOST_TEST(core::describe_fill(1000, 1000, 0.0) == "100 % full (1000 of 1000 entries)");
  BOOST_TEST(core::describe_fill(850, 1000, std::nullopt) == "85 % full (850 of 1000 entries)");

  core::CounterTotals t{};
  t[static_cast<std::size_t>(core::Counter::Drop)] = 3;
  BOOST_TEST(core::describe_drops(t, 850, 1000) == "dropping packets (drop 3, insert_failed 0 in total) at 85 % full");
  BOOST_TEST(core::describe_drops(t, 850, std::nullopt) == "dropping packets (drop 3, insert_failed 0 in total)");

  core::Census c;
  c.entries = 212000;
  c.tcp_states[core::kTcpTimeWait] = 171720;
  BOOST_TEST(core::describe_census(c) == "TIME_WAIT 81 % of 212000 entries");
  core::TopPeers tp;
  core::PeerCount src, dst;
  src.key.family = AF_INET;
  inet_pton(AF_INET, "10.0.0.2", src.key.addr.data());
  src.count = 150000;
  dst.key.family = AF_INET;
  inet_pton(AF_INET, "10.0.0.3", dst.key.addr.data());
  dst.key.port = 8080;
  dst.count = 160000;
  tp.sources.top.push_back(src);
  tp.destinations.top.push_back(dst);
  c.top_peers = tp;
  BOOST_TEST(core::evidence_notice("pod-a", core::describe_fill(850, 1000, kInf), c) ==
             "namespace \"pod-a\" is 85 % full (850 of 1000 entries); census at once: TIME_WAIT 81 % of 212000 "
             "entries; top source 10.0.0.2 (150000), top destination 10.0.0.3:8080 (160000)");
  BOOST_TEST(core::describe_census(core::Census{}) == "TIME_WAIT 0 % of 0 entries");
}

// The pages the plugin pushes itself (core/page_notifier) carry the names
// and the severity that core/thresholds.hpp defines for the alerts (and
// tests/unit/core/thresholds_drift.py holds the rules to).
BOOST_AUTO_TEST_CASE(pushed_pages_carry_the_alerts_names_and_severity) {
  for (auto a : {core::PageAlert::FillingFast, core::PageAlert::NearlyFull, core::PageAlert::PacketsDropped}) {
    const auto name = core::page_alert_name(a);
    const auto it = std::find_if(core::kAlerts.begin(), core::kAlerts.end(),
                                 [&](const core::Alert& x) { return x.name == name; });
    BOOST_REQUIRE_MESSAGE(it != core::kAlerts.end(), name << " is not in core::kAlerts");
    BOOST_TEST(core::kPageSeverity == core::severity_name(it->severity), name);
  }
}

BOOST_AUTO_TEST_SUITE_END()  // PagePolicy
BOOST_AUTO_TEST_SUITE_END()  // Core
