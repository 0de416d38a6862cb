// SPDX-License-Identifier: GPL-2.0-only
#include "boost_test.hpp"
#include "core/census_budget.hpp"
#include "core/complainer.hpp"

using namespace ctwatch;

BOOST_AUTO_TEST_SUITE(Core)
BOOST_AUTO_TEST_SUITE(Complainer)

BOOST_AUTO_TEST_CASE(logs_once_then_rarely_then_recovered_once) {
  core::Complainer c(60, 86400);
  int logged = 0;
  // A failure every 10 s for a day.
  for (int t = 0; t < 86400; t += 10) logged += c.failure(t) ? 1 : 0;
  // 1 + repeats at 60, 180, 420, ... (doubling): about log2(86400/60) ~ 11.
  BOOST_TEST(logged >= 2);
  BOOST_TEST(logged <= 12);
  BOOST_TEST(c.success());
  BOOST_TEST(!c.success());
  BOOST_TEST(c.failure(90000));  // a new run of failures is news again
}

BOOST_AUTO_TEST_CASE(success_without_failure_is_silent) {
  core::Complainer c;
  BOOST_TEST(!c.success());
}

BOOST_AUTO_TEST_SUITE_END()  // Complainer

BOOST_AUTO_TEST_SUITE(CensusBudget)

BOOST_AUTO_TEST_CASE(small_tables_run_every_interval) {
  core::CensusBudget b(1.0, 0.3);
  int runs = 0;
  double last = 0;
  for (double t = 0; t < 300; t += 30) {
    if (b.may_start(t, last)) {
      b.charge(0.13, t);  // ~100k entries
      last = 0.13;
      ++runs;
    }
  }
  BOOST_TEST(runs == 10);
}

// Any run that starts with the daemon stays within the budget, including the
// census that runs at once: the next one waits until it is paid for.
BOOST_AUTO_TEST_CASE(huge_tables_are_spaced_to_the_budget_from_the_start) {
  for (double horizon : {300.0, 600.0, 3600.0}) {
    core::CensusBudget b(1.0, 0.3);
    double spent = 0;
    double last = 0;
    int runs = 0;
    for (double t = 0; t < horizon; t += 10) {
      if (b.may_start(t, last)) {
        b.charge(1.5, t);  // ~1M entries
        spent += 1.5;
        last = 1.5;
        ++runs;
      }
    }
    BOOST_TEST_CONTEXT("horizon " << horizon) {
      BOOST_TEST(spent <= horizon * 0.01 + 1.5);  // at most the budget plus the census at t=0
      BOOST_TEST(runs >= static_cast<int>(horizon / 160));
    }
  }
  core::CensusBudget b(1.0, 0.3);
  BOOST_TEST(b.may_start(0, 0));
  b.charge(1.5, 0);
  // The first census ran on the 0.3 s saved up; the next must be paid in
  // full: balance -1.2 + 0.01/s reaches 1.5 at t = 270 s.
  BOOST_TEST(!b.may_start(269, 1.5));
  BOOST_TEST(b.may_start(270.5, 1.5));
  BOOST_TEST(b.sustainable_interval(1.25) == 125.0);
}

BOOST_AUTO_TEST_CASE(wait_reports_time_to_a_paid_census) {
  core::CensusBudget b(1.0, 0.0);
  BOOST_TEST(b.may_start(0));
  b.charge(1.0, 0);
  BOOST_TEST(!b.may_start(50, 1.0));
  BOOST_TEST(b.wait(50, 1.0) == 150.0, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(b.may_start(200, 1.0));
}

BOOST_AUTO_TEST_SUITE_END()  // CensusBudget
BOOST_AUTO_TEST_SUITE_END()  // Core
