// SPDX-License-Identifier: GPL-2.0-only
// The page policy on synthetic sample streams, fed exactly as the fast
// sampler feeds it: one sample a second into FillTrend, the estimate asked
// for when the notifier wants it, then PageNotifier::on_sample.
#include <cmath>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>

#include "boost_test.hpp"
#include "core/fill_trend.hpp"
#include "core/page_notifier.hpp"

using namespace ctwatch;
using Kind = core::PageEvent::Kind;

namespace {
constexpr std::uint64_t kMax = 262144;

struct Run {
  std::vector<core::PageEvent> events;
  int fires() const {
    int n = 0;
    for (const auto& e : events) n += e.kind == Kind::Fire;
    return n;
  }
  std::optional<double> first_fire(core::PageAlert a) const {
    for (const auto& e : events)
      if (e.kind == Kind::Fire && e.alert == a) return e.t;
    return std::nullopt;
  }
};

// level(t) in entries, sampled every second for `seconds`, with uniform
// noise of +-noise*max every sample; clamped to [0, max].
Run simulate(const std::function<double(double)>& level, double seconds, double noise, std::uint64_t max = kMax,
             unsigned seed = 7) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(-noise * static_cast<double>(max), noise * static_cast<double>(max));
  core::FillTrend trend;
  core::PageNotifier n("web");
  Run r;
  for (double t = 0; t < seconds; t += 1) {
    const double y = std::clamp(level(t) + (noise > 0 ? u(rng) : 0.0), 0.0, static_cast<double>(max));
    const auto entries = static_cast<std::uint64_t>(y);
    trend.add(t, entries);
    core::PageSample s;
    s.t = t;
    s.entries = entries;
    s.max = max;
    if (n.wants_estimate(static_cast<double>(entries) / static_cast<double>(max))) s.seconds_to_full = trend.seconds_to_full(max);
    for (auto& e : n.on_sample(s)) r.events.push_back(std::move(e));
  }
  return r;
}

// Seconds from the start of a ramp from `from` at `rate`/s to the first
// FillingFast or NearlyFull FAILURE, after 120 s flat; the time it is full.
struct Ramp {
  std::optional<double> fire;
  double full;
  double gate;  // when it crosses 50 %
};
Ramp ramp(double from, double rate, double noise, std::uint64_t max = kMax) {
  const double m = static_cast<double>(max);
  auto r = simulate([&](double t) { return from * m + rate * std::max(0.0, t - 120); }, 120 + (1 - from) * m / rate + 5,
                    noise, max);
  Ramp out;
  out.full = (1 - from) * m / rate;
  out.gate = std::max(0.0, (0.5 - from) * m / rate);
  for (const auto& e : r.events)
    if (e.kind == Kind::Fire && e.alert != core::PageAlert::PacketsDropped) {
      out.fire = e.t - 120;
      break;
    }
  return out;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(Core)
BOOST_AUTO_TEST_SUITE(PageNotifier)

BOOST_AUTO_TEST_CASE(names_are_the_rules_alertnames) {
  BOOST_TEST(core::page_alert_name(core::PageAlert::FillingFast) == "ConntrackTableFillingFast");
  BOOST_TEST(core::page_alert_name(core::PageAlert::NearlyFull) == "ConntrackTableNearlyFull");
  BOOST_TEST(core::page_alert_name(core::PageAlert::PacketsDropped) == "ConntrackPacketsDropped");
  BOOST_TEST(core::kPageSeverity == "critical");
}

// The policy's `for` times are the rules': NearlyFull `for: 1m`,
// FillingFast and PacketsDropped `for: 0m` (the thresholds themselves are
// core/thresholds.hpp's, checked against the rules by their own tests).
BOOST_AUTO_TEST_CASE(for_times_are_the_rules) {
  std::ifstream f(std::string(CTWATCH_SOURCE_DIR) + "/rules/prometheus/ctwatch.rules.yml");
  BOOST_TEST_REQUIRE(f.good());
  std::stringstream ss;
  ss << f.rdbuf();
  const std::string rules = ss.str();
  auto for_of = [&](const std::string& alert) {
    const auto at = rules.find("- alert: " + alert + "\n");
    BOOST_TEST_REQUIRE(at != std::string::npos, alert);
    const auto f_at = rules.find("for: ", at);
    return rules.substr(f_at + 5, rules.find('\n', f_at) - f_at - 5);
  };
  const core::PagePolicy p;
  BOOST_TEST(for_of("ConntrackTableNearlyFull") == "1m");
  BOOST_TEST(p.nearly_full_for == 60.0);
  BOOST_TEST(for_of("ConntrackTableFillingFast") == "0m");
  BOOST_TEST(for_of("ConntrackPacketsDropped") == "0m");
  BOOST_TEST(rules.find("increase(collectd_ctwatch_errors_total{type=~\"drop|insert_failed\"}[5m]) > 0") !=
             std::string::npos);
  BOOST_TEST(p.drop_quiet == 300.0);
}

// The no-false-page cases of issue 21.
BOOST_AUTO_TEST_CASE(steady_70_percent_with_5_percent_noise_every_second_for_three_hours_is_quiet) {
  for (unsigned seed : {1u, 2u, 3u}) {
    auto r = simulate([](double) { return 0.70 * kMax; }, 3 * 3600, 0.05, kMax, seed);
    BOOST_TEST(r.fires() == 0, "seed " << seed);
  }
}

BOOST_AUTO_TEST_CASE(daily_cycle_40_75_40_percent_is_quiet) {
  // One day, 40 % at midnight, 75 % at noon, with 1 % noise every second.
  auto r = simulate([](double t) { return (0.575 - 0.175 * std::cos(2 * M_PI * t / 86400)) * kMax; }, 86400, 0.01);
  BOOST_TEST(r.fires() == 0);
}

BOOST_AUTO_TEST_CASE(step_from_45_to_65_percent_then_flat_is_quiet) {
  auto r = simulate([](double t) { return (t < 300 ? 0.45 : 0.65) * kMax; }, 3600, 0.01);
  BOOST_TEST(r.fires() == 0);
  // ... and a step that lands near the NearlyFull level but below it.
  auto r2 = simulate([](double t) { return (t < 300 ? 0.45 : 0.78) * kMax; }, 3600, 0.005);
  BOOST_TEST(r2.fires() == 0);
}

BOOST_AUTO_TEST_CASE(burst_that_stops_below_the_gate_is_quiet) {
  for (double rate : {500.0, 2000.0, 5000.0}) {
    // 20 % -> 49 % at `rate`, then flat for an hour.
    const double stop = 0.29 * kMax / rate;
    auto r = simulate([&](double t) { return std::min(0.20 * kMax + rate * std::max(0.0, t - 60), 0.49 * kMax); },
                      60 + stop + 3600, 0.005);
    BOOST_TEST(r.fires() == 0, "rate " << rate);
  }
}

// Real ramps page within a few ticks of the gate, long before the table is full.
BOOST_AUTO_TEST_CASE(ramps_on_262144_from_30_percent_fire_within_a_few_ticks_of_the_gate) {
  for (double rate : {2000.0, 5000.0}) {
    const auto r = ramp(0.30, rate, 0.005);
    BOOST_TEST_REQUIRE(r.fire.has_value(), "rate " << rate);
    BOOST_TEST(*r.fire <= r.gate + 3, "rate " << rate << ": fired at " << *r.fire << " s, gate at " << r.gate);
    BOOST_TEST(*r.fire < r.full - 20, "rate " << rate << ": fired at " << *r.fire << " s, full at " << r.full);
  }
  // The e2e test's scaled tables: 8192 entries, full from 30 % in ~37 s and ~92 s.
  for (double rate : {155.0, 62.0}) {
    const auto r = ramp(0.30, rate, 0.0, 8192);
    BOOST_TEST_REQUIRE(r.fire.has_value(), "rate " << rate);
    BOOST_TEST(*r.fire <= r.gate + 3, "rate " << rate << ": fired at " << *r.fire << " s");
  }
}

BOOST_AUTO_TEST_CASE(ramp_from_a_flat_half_full_table_fires_within_the_estimator_lag) {
  const auto r = ramp(0.55, 2000, 0.005);
  BOOST_TEST_REQUIRE(r.fire.has_value());
  BOOST_TEST(*r.fire <= 10);
}

BOOST_AUTO_TEST_CASE(fire_message_names_namespace_fill_and_time_to_full) {
  auto r = simulate([](double t) { return 0.30 * kMax + 2000 * t; }, 40, 0);
  BOOST_TEST_REQUIRE(r.fires() == 1);
  const auto& e = r.events.front();
  BOOST_TEST((e.alert == core::PageAlert::FillingFast));
  BOOST_TEST(e.seconds_to_full.has_value());
  BOOST_TEST(e.message.find("ConntrackTableFillingFast: namespace \"web\" is filling fast (5") == 0, e.message);
  BOOST_TEST(e.message.find("full in about") != std::string::npos, e.message);
  BOOST_TEST(e.message.size() < 256u);
}

BOOST_AUTO_TEST_CASE(evidence_goes_into_the_message_and_updates_firing_alerts) {
  core::PageNotifier n("web");
  core::PageSample s{0, 200000, kMax, std::nullopt, 30.0};
  BOOST_TEST_REQUIRE(n.on_sample(s).size() == 1u);
  auto up = n.on_evidence("TIME_WAIT 41 % of 200000 entries; top source 10.20.3.17 (52000), top destination 10.20.3.45:8080 (54000)");
  BOOST_TEST_REQUIRE(up.size() == 1u);
  BOOST_TEST((up[0].kind == Kind::Update));
  BOOST_TEST(up[0].message.find("entries, full in about 30 s); TIME_WAIT 41 % of 200000 entries; top source 10.20.3.17 "
                                 "(52000), top destination 10.20.3.45:8080 (54000)") != std::string::npos,
             up[0].message);
  BOOST_TEST(up[0].message.size() < 256u, up[0].message.size());
}

BOOST_AUTO_TEST_CASE(nearly_full_needs_the_rules_minute_and_a_single_spike_does_not_page) {
  core::PageNotifier n("web");
  int fires = 0;
  // One-second spike to 85 % every 30 s on a 70 % table.
  for (double t = 0; t < 600; t += 1) {
    const std::uint64_t e = std::fmod(t, 30) == 0 ? 0.85 * kMax : 0.70 * kMax;
    for (auto& ev : n.on_sample({t, e, kMax, std::nullopt, std::nullopt})) fires += ev.kind == Kind::Fire;
  }
  BOOST_TEST(fires == 0);
  // 85 % for good: fires 60 s after it began.
  std::optional<double> at;
  for (double t = 600; t < 700; t += 1)
    for (auto& ev : n.on_sample({t, static_cast<std::uint64_t>(0.85 * kMax), kMax, std::nullopt, std::nullopt}))
      if (ev.kind == Kind::Fire) at = t;
  BOOST_TEST_REQUIRE(at.has_value());
  BOOST_TEST(*at == 660.0);
}

BOOST_AUTO_TEST_CASE(hovering_at_the_threshold_does_not_flap) {
  core::PageNotifier n("web");
  int fires = 0, resolves = 0;
  // At 81 % for 2 minutes (fires), then 77-83 % alternating every 10 s for two hours.
  for (double t = 0; t < 7200; t += 1) {
    const double f = t < 120 ? 0.81 : (static_cast<int>(t / 10) % 2 ? 0.83 : 0.77);
    for (auto& ev : n.on_sample({t, static_cast<std::uint64_t>(f * kMax), kMax, std::nullopt, std::nullopt})) {
      fires += ev.kind == Kind::Fire;
      resolves += ev.kind == Kind::Resolve;
    }
  }
  BOOST_TEST(fires == 1);
  BOOST_TEST(resolves == 0);
}

BOOST_AUTO_TEST_CASE(rate_bound_at_most_one_failure_per_ten_minutes) {
  core::PageNotifier n("web");
  int fires = 0;
  std::optional<double> last;
  // FillingFast's condition on for 5 s, clearly off for 65 s, over and over for an hour.
  for (double t = 0; t < 3600; t += 1) {
    const bool on = std::fmod(t, 70) < 5;
    core::PageSample s{t, static_cast<std::uint64_t>((on ? 0.6 : 0.3) * kMax), kMax, std::nullopt,
                       on ? 60.0 : std::numeric_limits<double>::infinity()};
    for (auto& ev : n.on_sample(s))
      if (ev.kind == Kind::Fire) {
        ++fires;
        if (last) BOOST_TEST(t - *last >= 600.0);
        last = t;
      }
  }
  BOOST_TEST(fires >= 1);
  BOOST_TEST(fires <= 6);
}

BOOST_AUTO_TEST_CASE(filling_fast_clears_after_the_ramp_stops_and_an_unknown_estimate_changes_nothing) {
  core::PageNotifier n("web");
  BOOST_TEST(n.on_sample({0, 150000, kMax, std::nullopt, 60.0}).size() == 1u);
  // Unknown estimates for 15 minutes: still firing.
  for (double t = 1; t < 900; t += 1) BOOST_TEST(n.on_sample({t, 150000, kMax, std::nullopt, std::nullopt}).empty());
  BOOST_TEST(n.firing(core::PageAlert::FillingFast));
  // Not growing (+inf) for 60 s: resolved (already 10 min since it fired).
  std::vector<core::PageEvent> ev;
  for (double t = 900; t <= 960; t += 1) {
    auto e = n.on_sample({t, 150000, kMax, std::nullopt, std::numeric_limits<double>::infinity()});
    ev.insert(ev.end(), e.begin(), e.end());
  }
  BOOST_TEST_REQUIRE(ev.size() == 1u);
  BOOST_TEST((ev[0].kind == Kind::Resolve));
  BOOST_TEST(ev[0].message.find("ConntrackTableFillingFast resolved: namespace \"web\"") == 0, ev[0].message);
}

BOOST_AUTO_TEST_CASE(full_table_keeps_filling_fast_firing) {
  core::PageNotifier n("web");
  BOOST_TEST(n.on_sample({0, 200000, kMax, std::nullopt, 20.0}).size() == 1u);
  for (double t = 1; t < 1000; t += 1) n.on_sample({t, kMax, kMax, std::nullopt, 0.0});
  BOOST_TEST(n.firing(core::PageAlert::FillingFast));
}

BOOST_AUTO_TEST_CASE(drops_fire_per_counter_and_clear_after_five_quiet_minutes) {
  core::PageNotifier n("web");
  BOOST_TEST(n.on_counters(0, 0, 5).empty());      // first reading: a base, not a rise
  BOOST_TEST(n.on_counters(10, 0, 5).empty());
  auto e = n.on_counters(20, 1250, 5);
  BOOST_TEST_REQUIRE(e.size() == 1u);
  BOOST_TEST(e[0].counter == "drop");
  BOOST_TEST(e[0].message.find("is dropping packets: drop rose by 1250") != std::string::npos, e[0].message);
  BOOST_TEST(n.firing(core::PageAlert::PacketsDropped, "drop"));
  BOOST_TEST(!n.firing(core::PageAlert::PacketsDropped, "insert_failed"));
  // Still rising: no second FAILURE. A reset (collectd restart) is no rise.
  BOOST_TEST(n.on_counters(30, 2000, 5).empty());
  BOOST_TEST(n.on_counters(40, 2000, 0).empty());
  // Quiet: the rule's increase(...[5m]) is 0 five minutes after the last
  // rise; then the hysteresis minute.
  std::vector<core::PageEvent> all;
  for (double t = 50; t <= 800; t += 10) {
    auto x = n.on_counters(t, 2000, 0);
    all.insert(all.end(), x.begin(), x.end());
  }
  BOOST_TEST_REQUIRE(all.size() == 1u);
  BOOST_TEST((all[0].kind == Kind::Resolve));
  BOOST_TEST(all[0].t >= 20 + 600);  // the rate bound (10 min) outlasts the quiet 5 + 1 min
}

BOOST_AUTO_TEST_CASE(unknown_max_is_ignored) {
  core::PageNotifier n("web");
  BOOST_TEST(n.on_sample({0, 100, 0, std::nullopt, 1.0}).empty());
}

BOOST_AUTO_TEST_SUITE_END()
BOOST_AUTO_TEST_SUITE_END()
