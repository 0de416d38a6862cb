// SPDX-License-Identifier: GPL-2.0-only
#include "core/fill_trend.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ctwatch::core {

FillTrend::FillTrend(FillTrendOptions opt) : opt_(opt) {}

const FillTrend::Sample& FillTrend::at(std::size_t i) const {
  return ring_[(head_ + kCapacity - size_ + i) % kCapacity];
}

void FillTrend::add(double t, std::uint64_t entries) {
  peak_ = std::max(peak_.value_or(0), entries);
  const auto y = static_cast<double>(entries);
  if (size_ > 0) {
    const Sample& last = at(size_ - 1);
    if (!(t > last.t)) return;
    if (y < last.entries / 2 && last.entries - y > 64) size_ = 0;  // flushed
  }
  ring_[head_] = Sample{t, y};
  head_ = (head_ + 1) % kCapacity;
  size_ = std::min(size_ + 1, kCapacity);
}

std::optional<std::uint64_t> FillTrend::take_peak() {
  auto p = peak_;
  peak_.reset();
  return p;
}

std::optional<FillTrend::Fit> FillTrend::fit(double window) const {
  if (size_ == 0) return std::nullopt;
  const double t_end = at(size_ - 1).t;
  std::size_t first = size_;
  while (first > 0 && t_end - at(first - 1).t <= window) --first;
  const std::size_t n = size_ - first;
  if (n < opt_.min_samples) return std::nullopt;
  // Two passes around the means: entries are up to ~1e7 and times grow for
  // months, so raw sums of squares would lose the digits that matter.
  double mt = 0, my = 0;
  for (std::size_t i = first; i < size_; ++i) {
    mt += at(i).t;
    my += at(i).entries;
  }
  mt /= static_cast<double>(n);
  my /= static_cast<double>(n);
  double sxx = 0, sxy = 0, syy = 0;
  for (std::size_t i = first; i < size_; ++i) {
    const double dt = at(i).t - mt;
    const double dy = at(i).entries - my;
    sxx += dt * dt;
    sxy += dt * dy;
    syy += dy * dy;
  }
  if (sxx <= 0) return std::nullopt;
  Fit f;
  f.slope = sxy / sxx;
  const double rss = std::max(0.0, syy - f.slope * sxy);
  f.se = std::sqrt(rss / static_cast<double>(n - 2) / sxx);
  // The lower tercile of the slopes between samples a quarter of the window
  // apart: a jump anywhere in the window is straddled by at most a third of
  // those pairs, so it cannot lift the tercile above the noise of the flat
  // parts; a ramp lifts all of them (the tercile is a little below its
  // rate under noise: conservative).
  const std::size_t lag = std::max<std::size_t>(1, n / 4);
  pair_slopes_.clear();
  for (std::size_t i = first; i + lag < size_; ++i)
    pair_slopes_.push_back((at(i + lag).entries - at(i).entries) / (at(i + lag).t - at(i).t));
  auto q = pair_slopes_.begin() + static_cast<std::ptrdiff_t>(pair_slopes_.size() / 3);
  std::nth_element(pair_slopes_.begin(), q, pair_slopes_.end());
  f.robust_slope = *q;
  return f;
}

std::optional<double> FillTrend::growth() const {
  const double iv = opt_.sample_interval;
  const auto n = static_cast<double>(opt_.min_samples);
  const auto s = fit(std::max(opt_.short_window, n * iv));
  const auto l = fit(std::max(opt_.long_window, 2 * n * iv));
  if (!s && !l) return std::nullopt;
  double g = 0;
  auto rate = [](const Fit& f) { return std::max(0.0, std::min(f.slope, f.robust_slope)); };
  if (s && s->slope > 0 && s->slope > opt_.short_significance * s->se) g = rate(*s);
  if (l && l->slope > 0 && l->slope > opt_.long_significance * l->se) {
    // The recent samples must not contradict the long trend (a step or a
    // ramp that stopped): the short slope within its own noise of it.
    const bool contradicted = s && s->slope + opt_.short_significance * s->se < l->slope;
    if (!contradicted) g = std::max(g, rate(*l));
  }
  return g;
}

std::optional<double> FillTrend::seconds_to_full(std::uint64_t max) const {
  auto g = growth();
  if (!g) return std::nullopt;
  const double latest = at(size_ - 1).entries;
  const auto m = static_cast<double>(max);
  if (latest >= m) return 0.0;
  if (*g <= 0) return std::numeric_limits<double>::infinity();
  return (m - latest) / *g;
}

}  // namespace ctwatch::core
