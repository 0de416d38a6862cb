// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// FillTrend: how fast a conntrack table fills, from fine samples of its entry
// count (IPCTNL_MSG_CT_GET_STATS every StatsInterval, plus the one of each
// collectd read), and so how many seconds remain until it is full.
//
// Estimator. The least-squares slope of entries over time is computed in two
// trailing windows: a short one (15 s, or 5 samples when sampling is slower)
// that sees a new ramp within seconds, and a long one (60 s, or 10 samples)
// that averages out short-term churn. A window's slope counts only when it
// is positive and *significant*: at least kSignificance standard errors
// (from the fit's own residuals) above zero, so noise on a steady table,
// however large, is not mistaken for growth. The larger significant slope
// wins (a ramp that just started is steeper in the short window), and
//
//   seconds_to_full = (max - latest entries) / slope      (0 when full)
//
// When no window shows significant growth (plateau, decline, noise) the
// answer is +infinity: "not at the current trend", which no `< N` threshold
// can mistake for soon. Absent (nullopt) means too few samples to say.
//
// A fall of more than half the table since the previous sample (a flush,
// `conntrack -F`, or a mass expiry) discards the history: the old level says
// nothing about the new growth.
//
// Fixed memory: a ring of kCapacity samples, enough for the long window at
// the shortest StatsInterval (0.25 s). Not thread-safe; the owner locks.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace ctwatch::core {

struct FillTrendOptions {
  double short_window = 15;  // seconds
  double long_window = 60;   // seconds
  std::size_t min_samples = 5;
  // Slope / standard error needed for a window's slope to count. The short
  // window has fewer samples, so its t statistic has a heavier tail.
  double short_significance = 8;
  double long_significance = 5;
  // Sampling period, so that slow sampling still gets enough samples per
  // window: windows are at least min_samples (short) and 2*min_samples
  // (long) sample periods long.
  double sample_interval = 1;
};

class FillTrend {
 public:
  static constexpr std::size_t kCapacity = 256;

  explicit FillTrend(FillTrendOptions opt = {});

  // One sample at `t` (monotonic seconds). Samples not after the previous
  // one are ignored.
  void add(double t, std::uint64_t entries);

  // The largest entry count added since the previous take_peak() (nullopt
  // when none was added), and starts a new period.
  std::optional<std::uint64_t> take_peak();

  // Seconds until entries reach `max` at the current growth (see above).
  std::optional<double> seconds_to_full(std::uint64_t max) const;

  // The growth used by seconds_to_full, entries per second (0: none
  // significant); nullopt with too few samples.
  std::optional<double> growth() const;

  std::size_t size() const noexcept { return size_; }

 private:
  struct Sample {
    double t;
    double entries;
  };
  struct Fit {
    double slope = 0;
    double se = 0;            // standard error of the slope
    double robust_slope = 0;  // lower tercile of the slopes between samples n/4 apart
  };
  // Least-squares fit of the samples within `window` seconds of the latest;
  // nullopt with too few samples.
  std::optional<Fit> fit(double window) const;
  const Sample& at(std::size_t i) const;  // 0 = oldest

  FillTrendOptions opt_;
  std::array<Sample, kCapacity> ring_{};
  std::size_t head_ = 0;  // next write position
  std::size_t size_ = 0;
  std::optional<std::uint64_t> peak_;
  mutable std::vector<double> pair_slopes_;  // scratch for fit(), reused
};

// The page condition built on seconds_to_full() is core/page_policy.hpp.

}  // namespace ctwatch::core
