// SPDX-License-Identifier: GPL-2.0-only
#include "core/page_policy.hpp"

#include <cmath>
#include <cstdio>

#include "core/peers.hpp"
#include "core/stats.hpp"

namespace ctwatch::core {
namespace {

double fill_of(std::uint64_t entries, std::uint64_t max) {
  return static_cast<double>(entries) / static_cast<double>(max);
}

}  // namespace

PageReason page_reason(std::uint64_t entries, std::uint64_t max, std::optional<double> seconds_to_full) {
  if (max == 0) return PageReason::None;
  const double fill = fill_of(entries, max);
  if (fill >= kPageFillRatio) return PageReason::NearlyFull;
  if (fill >= kFastFillRatio && seconds_to_full && *seconds_to_full < kFastFillSeconds) return PageReason::FillingFast;
  return PageReason::None;
}

bool page_condition(std::uint64_t entries, std::uint64_t max, std::optional<double> seconds_to_full) {
  return page_reason(entries, max, seconds_to_full) != PageReason::None;
}

bool time_to_full_decides(std::uint64_t entries, std::uint64_t max) {
  if (max == 0) return false;
  const double fill = fill_of(entries, max);
  return fill >= kFastFillRatio && fill < kPageFillRatio;
}

PageDecision PageEdge::update(std::uint64_t entries, std::optional<std::uint64_t> max,
                              std::optional<double> seconds_to_full) {
  PageDecision d;
  d.reason = max ? page_reason(entries, *max, seconds_to_full) : PageReason::None;
  d.crossed = d.paging() && !paging_;
  d.cleared = !d.paging() && paging_;
  paging_ = d.paging();
  return d;
}

bool drops_rising(const CounterTotals& before, const CounterTotals& now) {
  for (auto c : {Counter::Drop, Counter::InsertFailed}) {
    const auto i = static_cast<std::size_t>(c);
    if (now[i] && before[i] && *now[i] > *before[i]) return true;
  }
  return false;
}

std::string format_seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g s", s);
  return buf;
}

std::string format_percent(double part, double whole) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f %%", whole > 0 ? 100.0 * part / whole : 0.0);
  return buf;
}

std::string quoted_namespace(const std::string& label) { return "namespace \"" + label + "\""; }

std::string describe_fill(std::uint64_t entries, std::uint64_t max, std::optional<double> seconds_to_full) {
  std::string why = format_percent(static_cast<double>(entries), static_cast<double>(max)) + " full (" +
                    std::to_string(entries) + " of " + std::to_string(max) + " entries";
  if (seconds_to_full && std::isfinite(*seconds_to_full) && *seconds_to_full > 0)
    why += ", full in about " + format_seconds(*seconds_to_full);
  return why + ")";
}

std::string describe_drops(const CounterTotals& counters, std::optional<std::uint64_t> entries,
                           std::optional<std::uint64_t> max) {
  auto v = [&](Counter c) { return std::to_string(counters[static_cast<std::size_t>(c)].value_or(0)); };
  std::string fill;
  if (entries && max && *max > 0)
    fill = " at " + format_percent(static_cast<double>(*entries), static_cast<double>(*max)) + " full";
  return "dropping packets (drop " + v(Counter::Drop) + ", insert_failed " + v(Counter::InsertFailed) + " in total)" +
         fill;
}

std::string describe_census(const Census& c) {
  std::string s = "TIME_WAIT " +
                  format_percent(static_cast<double>(c.tcp_states[kTcpTimeWait]), static_cast<double>(c.entries)) +
                  " of " + std::to_string(c.entries) + " entries";
  if (c.top_peers) {
    const auto& src = c.top_peers->sources.top;
    const auto& dst = c.top_peers->destinations.top;
    if (!src.empty())
      s += "; top source " + format_address(src.front().key) + " (" + std::to_string(src.front().count) + ")";
    if (!dst.empty())
      s += ", top destination " + format_endpoint(dst.front().key) + " (" + std::to_string(dst.front().count) + ")";
  }
  return s;
}

std::string evidence_notice(const std::string& label, const std::string& reason, const Census& c) {
  return quoted_namespace(label) + " is " + reason + "; census at once: " + describe_census(c);
}

}  // namespace ctwatch::core
