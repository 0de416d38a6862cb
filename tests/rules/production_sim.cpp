// SPDX-License-Identifier: GPL-2.0-only
// The alert rules at production settings, fed what the plugin would really
// export: a conntrack table sampled every second by the fast sampler
// (core::FillTrend, the plugin's own estimator), read by collectd every
// Interval 10 s (entries, peak since the previous read, time_to_full, max),
// scraped every 15 s by a Prometheus that evaluates every 15 s. Emits a
// promtool test file (stdout):
//
//   production_sim RULES_FILE tests   assertions (tests/rules/production.sh)
//   production_sim RULES_FILE probe   the first critical firing per ramp, as a
//                                     deliberately failing expectation whose
//                                     "got" is parsed into the lead-time table
//
// The scrape sees the newest collectd value at least `scrape lag` old, and
// the evaluation the newest scrape: the worst case is a lag of just under
// 15 s, a read just before the condition and a scrape just before the read.
// promtool puts scrapes and evaluations on the same 15 s grid, so the lag
// is modelled by shifting what each scrape sees.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "core/fill_trend.hpp"

namespace {

constexpr double kMax = 262144;
constexpr double kInterval = 10;      // collectd Interval
constexpr double kScrape = 15;        // scrape_interval = evaluation_interval
constexpr double kGroupWait = 10;     // rules/alertmanager: critical group_wait

struct Scenario {
  std::string name;
  double (*table)(double t, const Scenario&);  // entries at t (s), before noise
  double start = 0.5, rate = 0, stop = 1.0, t0 = 600, noise = 0, wander = 0, horizon = 0;
  double phase = 0;      // first collectd read, s
  double scrape_lag = 0; // s, < kScrape
  bool expect_page = false;
};

double ramp(double t, const Scenario& s) {
  const double y = s.start * kMax + (t < s.t0 ? 0 : (t - s.t0) * s.rate);
  return std::min(y, s.stop * kMax);
}

double wander(double t, const Scenario& s) {
  return s.start * kMax + s.wander * kMax * std::sin(2 * M_PI * t / 600);
}

double step(double t, const Scenario& s) { return (t < s.t0 ? s.start : s.stop) * kMax; }

// Time the table reaches max (the kernel's first drop).
double full_at(const Scenario& s) { return s.t0 + (1 - s.start) * kMax / s.rate; }

struct Dispatch {
  double t;
  double entries, peak, ttf;
};

std::vector<Dispatch> run_plugin(const Scenario& s) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> u(-1, 1);
  ctwatch::core::FillTrend trend;
  std::vector<Dispatch> out;
  double next_read = s.phase;
  for (int sec = 0; sec <= static_cast<int>(s.horizon); ++sec) {
    const double t = sec;
    double y = s.table(t, s) + s.noise * kMax * u(rng);
    y = std::clamp(std::round(y), 0.0, kMax);
    trend.add(t, static_cast<std::uint64_t>(y));
    if (t + 1e-9 >= next_read) {
      const auto ttf = trend.seconds_to_full(static_cast<std::uint64_t>(kMax));
      const auto peak = trend.take_peak();
      out.push_back({t, y, static_cast<double>(peak.value_or(0)), ttf ? *ttf : NAN});
      next_read += kInterval;
    }
  }
  return out;
}

std::string fmt(double v) {
  if (std::isnan(v)) return "_";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char b[32];
  std::snprintf(b, sizeof b, "%.6g", v);
  return b;
}

void emit(const Scenario& s, const char* rules_mode, bool probe) {
  const auto d = run_plugin(s);
  const int points = static_cast<int>(s.horizon / kScrape) + 1;
  std::string entries, peak, ttf, max;
  for (int j = 0; j < points; ++j) {
    const double scrape_t = j * kScrape - s.scrape_lag;
    const Dispatch* seen = nullptr;
    for (const auto& x : d)
      if (x.t <= scrape_t) seen = &x;
    auto add = [&](std::string& series, double v) { series += (series.empty() ? "" : " ") + fmt(v); };
    add(entries, seen ? seen->entries : NAN);
    add(peak, seen ? seen->peak : NAN);
    add(ttf, seen ? seen->ttf : NAN);
    add(max, seen ? kMax : NAN);
  }
  const char* lbl = "ctwatch=\"host\",instance=\"sim\"";
  std::printf("  - name: '%s'\n    interval: 15s\n    input_series:\n", s.name.c_str());
  std::printf("      - series: 'collectd_ctwatch_conntrack{%s,type=\"entries\"}'\n        values: '%s'\n", lbl, entries.c_str());
  std::printf("      - series: 'collectd_ctwatch_conntrack{%s,type=\"peak\"}'\n        values: '%s'\n", lbl, peak.c_str());
  std::printf("      - series: 'collectd_ctwatch_conntrack{%s,type=\"max\"}'\n        values: '%s'\n", lbl, max.c_str());
  std::printf("      - series: 'collectd_ctwatch_duration_seconds{%s,type=\"time_to_full\"}'\n        values: '%s'\n", lbl, ttf.c_str());
  std::printf("    promql_expr_test:\n");
  (void)rules_mode;
  if (probe) {
    // First critical firing, in seconds from the start; "got" is parsed.
    std::printf("      - expr: min(min_over_time(timestamp(ALERTS{alertstate=\"firing\",severity=\"critical\"})[%.0fs:15s]))\n"
                "        eval_time: %.0fs\n        exp_samples:\n          - value: -1\n",
                s.horizon, s.horizon);
    return;
  }
  if (s.expect_page) {
    // Some critical alert is firing at the last evaluation that leaves
    // Alertmanager's group_wait before the table is full.
    const double deadline = std::floor((full_at(s) - kGroupWait) / kScrape) * kScrape;
    std::printf("      - expr: clamp_max(count(ALERTS{alertstate=\"firing\",severity=\"critical\"}), 1)\n"
                "        eval_time: %.0fs\n        exp_samples:\n          - value: 1\n",
                deadline);
  } else {
    // No critical alert fired at any evaluation.
    std::printf("      - expr: count_over_time(ALERTS{alertstate=\"firing\",severity=\"critical\"}[%.0fs])\n"
                "        eval_time: %.0fs\n        exp_samples: []\n",
                s.horizon, s.horizon);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: production_sim RULES_FILE tests|probe\n");
    return 2;
  }
  const bool probe = std::string(argv[2]) == "probe";
  std::vector<Scenario> all;
  // Linear ramps from <= 50 % at up to 2,000 entries/s, every alignment of
  // collectd read, scrape and evaluation we model, with 0.5 % noise.
  for (double rate : {100.0, 250.0, 500.0, 1000.0, 1500.0, 2000.0})
    for (double start : {0.30, 0.50})
      for (double phase : {0.0, 4.0, 9.0})
        for (double lag : {0.0, 14.0}) {
          if (probe && (phase != 9.0 || lag != 14.0)) continue;  // the table: worst case only
          Scenario s;
          s.table = ramp;
          s.rate = rate, s.start = start, s.phase = phase, s.scrape_lag = lag, s.noise = 0.005;
          s.horizon = std::ceil((full_at(s) + 120) / kScrape) * kScrape;
          s.expect_page = true;
          char n[128];
          std::snprintf(n, sizeof n, "ramp %.0f/s from %.0f%%, read phase %.0fs, scrape lag %.0fs", rate,
                        start * 100, phase, lag);
          s.name = n;
          all.push_back(s);
        }
  if (!probe) {
    // Steady below 80 % with noise, for three hours: nobody is paged.
    for (auto [level, noise] : {std::pair{0.70, 0.03}, std::pair{0.76, 0.03}, std::pair{0.60, 0.05}}) {
      Scenario s;
      s.table = ramp;
      s.start = level, s.rate = 0, s.noise = noise, s.horizon = 3 * 3600, s.t0 = 1e9;
      char n[128];
      std::snprintf(n, sizeof n, "steady %.0f%% with +-%.0f%% noise per second, 3h", level * 100, noise * 100);
      s.name = n;
      all.push_back(s);
    }
    {
      Scenario s;  // a slow swing of +-4 % around 74 % every 10 minutes
      s.table = wander;
      s.start = 0.74, s.wander = 0.04, s.noise = 0.01, s.horizon = 3 * 3600;
      s.name = "74% swinging +-4% every 10 min, 3h";
      all.push_back(s);
    }
    // A burst that lifts the table in one second and stops (a retry storm
    // that gave up): a step is not a rate.
    for (double to : {0.49, 0.78}) {
      Scenario s;
      s.table = step;
      s.start = 0.10, s.stop = to, s.noise = 0.005, s.horizon = 1800;
      char n[128];
      std::snprintf(n, sizeof n, "step from 10%% to %.0f%% in one second, then flat", to * 100);
      s.name = n;
      all.push_back(s);
    }
    // A burst that stops below 50 %: from 20 % at 2,000/s to 49 %, then flat.
    for (double rate : {2000.0, 500.0}) {
      Scenario s;
      s.table = ramp;
      s.start = 0.20, s.rate = rate, s.stop = 0.49, s.noise = 0.005, s.horizon = 3600;
      char n[128];
      std::snprintf(n, sizeof n, "burst at %.0f/s from 20%% stopping at 49%%", rate);
      s.name = n;
      all.push_back(s);
    }
  }
  std::printf("# Generated by tests/rules/production_sim.cpp; do not edit.\nrule_files:\n  - %s\n"
              "evaluation_interval: 15s\ntests:\n",
              argv[1]);
  for (const auto& s : all) emit(s, argv[1], probe);
  if (probe)
    for (const auto& s : all)
      std::fprintf(stderr, "scenario\t%s\t%.0f\t%.0f\t%.0f\t%.0f\n", s.name.c_str(), s.rate, s.start * 100, s.t0,
                   full_at(s));
  return 0;
}
