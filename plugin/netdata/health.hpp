// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// The Netdata health alarms (health.d/ctwatch.conf), rendered from the same
// thresholds as the Prometheus rules, so the two cannot drift: the page and
// fast-fill levels are core's (core/thresholds.hpp, which the plugin's page policy
// uses too); the rest mirror mixin/config.libsonnet and the
// ConntrackMaxNotTuned rule, checked against them by
// tests/netdata/thresholds_test.sh. The build writes the file with
// `ctwatch-netdata-health` (plugin/netdata/health_main.cpp); nothing
// else writes it.
//
// Netdata has no `for:`. The alarms are templates on the chart contexts of
// charts.hpp, evaluated every 10 s; lookups over a short window and a
// hysteresis (kHysteresisPoints below the page level) stand in for `for:`
// where Prometheus has one, so the page is raised within ~10-40 s of the
// fill crossing the level and cleared once it stays below.

#include <string>

namespace ctwatch::netdata {

struct HealthThresholds {
  double page_fill_percent;          // core::kPageFillRatio   (mixin fillPageRatio)
  double gate_fill_percent;          // core::kFastFillRatio   (mixin fillGateRatio)
  double fast_fill_seconds;          // core::kFastFillSeconds (mixin fillingFastSeconds)
  double time_wait_share_percent;    // mixin timeWaitShareRatio
  double census_stale_seconds;       // mixin censusStaleSeconds
  double default_max_ceiling;        // ConntrackMaxNotTuned: the kernel's default max is never above it
};

inline constexpr double kHysteresisPoints = 5;

HealthThresholds health_thresholds();
std::string health_conf(const HealthThresholds& t);
// The thresholds as one JSON object (for the drift test).
std::string thresholds_json(const HealthThresholds& t);

}  // namespace ctwatch::netdata
