// SPDX-License-Identifier: GPL-2.0-only
#include <cmath>
#include <limits>
#include <random>

#include "boost_test.hpp"
#include "core/fill_trend.hpp"

using namespace ctwatch;

namespace {
constexpr std::uint64_t kMax = 262144;
constexpr double kInf = std::numeric_limits<double>::infinity();

// Seconds at 1 s sampling until seconds_to_full() first says < `below`, for
// a table flat at `start` for 120 s, then growing by `rate` per second with
// uniform noise of +-noise*max; -1 if never before the table is full.
double detection_lag(double start, double rate, double noise, double below, unsigned seed = 1) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(-noise * kMax, noise * kMax);
  core::FillTrend f;
  double t = 0;
  for (; t < 120; t += 1) f.add(t, static_cast<std::uint64_t>(start * kMax + u(rng)));
  for (double a = 0;; a += 1) {
    const double y = start * kMax + rate * a;
    if (y >= kMax) return -1;
    f.add(t + a, static_cast<std::uint64_t>(y + u(rng)));
    if (auto s = f.seconds_to_full(kMax); s && *s < below) return a;
  }
}
}  // namespace

BOOST_AUTO_TEST_SUITE(Core)
BOOST_AUTO_TEST_SUITE(FillTrend)

BOOST_AUTO_TEST_CASE(too_few_samples_is_unknown_not_a_number) {
  core::FillTrend f;
  BOOST_TEST(!f.seconds_to_full(kMax).has_value());
  for (int t = 0; t < 4; ++t) f.add(t, 1000u * static_cast<unsigned>(t));
  BOOST_TEST(!f.seconds_to_full(kMax).has_value());
  f.add(4, 4000);
  BOOST_TEST(f.seconds_to_full(kMax).has_value());
}

BOOST_AUTO_TEST_CASE(linear_ramp_gives_the_exact_time_to_full) {
  core::FillTrend f;
  for (int t = 0; t <= 60; ++t) f.add(t, 100000 + 2000u * static_cast<unsigned>(t));
  // 220000 now, 42144 to go at 2000/s.
  BOOST_TEST(*f.seconds_to_full(kMax) == 21.072, boost::test_tools::tolerance(1e-6));
  BOOST_TEST(*f.growth() == 2000.0, boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(plateau_and_decline_are_infinite_never_a_small_number) {
  core::FillTrend flat;
  for (int t = 0; t <= 120; ++t) flat.add(t, 200000);
  BOOST_TEST(*flat.seconds_to_full(kMax) == kInf);
  BOOST_TEST(*flat.growth() == 0.0);

  core::FillTrend down;
  for (int t = 0; t <= 120; ++t) down.add(t, 250000 - 100u * static_cast<unsigned>(t));
  BOOST_TEST(*down.seconds_to_full(kMax) == kInf);
}

BOOST_AUTO_TEST_CASE(full_table_is_zero) {
  core::FillTrend f;
  for (int t = 0; t <= 10; ++t) f.add(t, kMax);
  BOOST_TEST(*f.seconds_to_full(kMax) == 0.0);
}

// Heavy per-second noise (uniform +-5 % of max, far more than a real table
// shows at one-second resolution) on a steady table: over 30 hours of
// reads, not one estimate under 300 s.
BOOST_AUTO_TEST_CASE(noise_on_a_steady_table_is_not_growth) {
  for (double level : {0.6, 0.79}) {
    std::mt19937 rng(42);
    std::uniform_real_distribution<double> u(-0.05 * kMax, 0.05 * kMax);
    core::FillTrend f;
    int soon = 0;
    for (int t = 0; t < 30 * 3600; ++t) {
      f.add(t, static_cast<std::uint64_t>(level * kMax + u(rng)));
      if (t % 10 == 0)
        if (auto s = f.seconds_to_full(kMax); s && *s < 300) ++soon;
    }
    BOOST_TEST(soon == 0, "level " << level);
  }
}

// A ramp that starts from a flat table is seen within seconds (the short
// window), with or without noise; the numbers the alert lead-time table in
// docs/alerting.md builds on.
BOOST_AUTO_TEST_CASE(a_new_ramp_is_seen_within_seconds) {
  BOOST_TEST(detection_lag(0.5, 2000, 0, 300) <= 8);
  BOOST_TEST(detection_lag(0.5, 2000, 0.01, 300) <= 10);
  BOOST_TEST(detection_lag(0.5, 500, 0, 300) <= 15);
  BOOST_TEST(detection_lag(0.3, 2000, 0.01, 300) <= 10);
  BOOST_TEST(detection_lag(0.5, 5000, 0, 300) <= 8);
}

BOOST_AUTO_TEST_CASE(a_flush_discards_the_old_level) {
  core::FillTrend f;
  for (int t = 0; t <= 60; ++t) f.add(t, 240000);
  // conntrack -F: the table restarts from almost nothing and grows again.
  for (int t = 61; t <= 70; ++t) f.add(t, 1000u * static_cast<unsigned>(t - 61));
  // Without the reset the 60 s window would see a steep decline (infinite).
  BOOST_TEST(*f.growth() == 1000.0, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(*f.seconds_to_full(kMax) == (kMax - 9000) / 1000.0, boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(peak_is_the_largest_since_the_last_take) {
  core::FillTrend f;
  BOOST_TEST(!f.take_peak().has_value());
  f.add(0, 10);
  f.add(1, 500);  // a spike between two reads
  f.add(2, 20);
  BOOST_TEST(*f.take_peak() == 500u);
  BOOST_TEST(!f.take_peak().has_value());
  f.add(3, 30);
  BOOST_TEST(*f.take_peak() == 30u);
}

BOOST_AUTO_TEST_CASE(out_of_order_samples_are_ignored) {
  core::FillTrend f;
  for (int t = 0; t < 10; ++t) f.add(t, 1000);
  f.add(5, 900000);
  BOOST_TEST(f.size() == 10u);
  BOOST_TEST(*f.seconds_to_full(kMax) == kInf);
}

// With only the collectd read's own samples (StatsInterval slower than the
// windows), the windows stretch to enough samples instead of going blind.
BOOST_AUTO_TEST_CASE(slow_sampling_stretches_the_windows) {
  core::FillTrendOptions o;
  o.sample_interval = 10;
  core::FillTrend f(o);
  for (int i = 0; i <= 5; ++i) f.add(10.0 * i, 100000 + 10000u * static_cast<unsigned>(i));
  BOOST_TEST(*f.growth() == 1000.0, boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(ring_keeps_the_newest_samples) {
  core::FillTrend f;
  for (int t = 0; t < 1000; ++t) f.add(t * 0.25, 1000u + static_cast<unsigned>(t));
  BOOST_TEST(f.size() == core::FillTrend::kCapacity);
  BOOST_TEST(*f.growth() == 4.0, boost::test_tools::tolerance(1e-6));
}

BOOST_AUTO_TEST_SUITE_END()
BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(Core)
BOOST_AUTO_TEST_SUITE(FillTrend)

// A burst that jumps the table up and stops: the long window still holds
// the rise for a minute, but the flat recent samples contradict it.
BOOST_AUTO_TEST_CASE(a_step_then_flat_is_not_growth) {
  // Every position of the jump in both windows, at the tick rate alone and
  // with the reads' samples in between (0.5 s), with and without noise:
  // not one estimate under 300 s. (A jump in the middle of a window
  // splits the pairs of a whole-window Theil-Sen evenly; this caught that.)
  for (double dt : {1.0, 0.5})
    for (double noise : {0.0, 0.005}) {
      std::mt19937 rng(3);
      std::uniform_real_distribution<double> u(-noise * kMax, noise * kMax);
      core::FillTrend f;
      int soon = 0;
      for (double t = 0; t < 300; t += dt) {
        const double y = (t < 100 ? 0.1 : 0.75) * kMax + u(rng);
        f.add(t, static_cast<std::uint64_t>(y));
        if (auto s = f.seconds_to_full(kMax); s && *s < 300) ++soon;
      }
      BOOST_TEST(soon == 0, "dt " << dt << " noise " << noise << ": " << soon << " estimates under 300 s");
    }
}

// A ramp that stops: the estimate goes back to "not growing" within the
// short window, not after the long one.
BOOST_AUTO_TEST_CASE(a_stopped_ramp_stops_growing_within_the_short_window) {
  core::FillTrend f;
  for (int t = 0; t <= 60; ++t) f.add(t, 50000 + 1000u * static_cast<unsigned>(t));
  BOOST_TEST(*f.growth() > 0);
  for (int t = 61; t <= 80; ++t) f.add(t, 110000);
  BOOST_TEST(*f.seconds_to_full(kMax) == kInf);
}

BOOST_AUTO_TEST_SUITE_END()
BOOST_AUTO_TEST_SUITE_END()
