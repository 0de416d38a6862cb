// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// PagePolicy: when a conntrack table is worth waking someone for, and what
// the plugin says when it becomes so. Pure decisions, no clock, no I/O: the
// caller passes each sample (entries, max, seconds to full) and gets back a
// decision, so the fast sampler (every StatsInterval), the collectd read
// and any later notifier all decide the same way.
//
// The page condition is that of the bundled critical alerts
// (rules/prometheus: ConntrackTableNearlyFull, ConntrackTableFillingFast):
//
//   NearlyFull:  fill >= kPageFillRatio
//   FillingFast: fill >= kFastFillRatio and full within kFastFillSeconds
//
// (core/thresholds.hpp). A PageEdge remembers the previous decision of one
// namespace and reports the edges: `crossed` on the sample where the
// condition becomes true (the plugin then takes an evidence census and logs
// one NOTICE line), `cleared` where it becomes false again. Not thread-safe;
// the owner locks.

#include <cstdint>
#include <optional>
#include <string>

#include "core/census.hpp"
#include "core/counters.hpp"
#include "core/thresholds.hpp"

namespace ctwatch::core {

enum class PageReason : std::uint8_t {
  None,         // no page
  NearlyFull,   // ConntrackTableNearlyFull
  FillingFast,  // ConntrackTableFillingFast (and not yet nearly full)
};

// Why the table pages, if it does. max == 0 (unknown size) never pages.
// seconds_to_full: nullopt (too few samples) and +infinity (no growth)
// never make it FillingFast.
PageReason page_reason(std::uint64_t entries, std::uint64_t max, std::optional<double> seconds_to_full);
bool page_condition(std::uint64_t entries, std::uint64_t max, std::optional<double> seconds_to_full);

// Whether seconds_to_full can change page_reason() at this fill: between
// kFastFillRatio (inclusive) and kPageFillRatio (exclusive). Outside that
// band the estimate (~30 us) is not needed to decide. max == 0: false.
bool time_to_full_decides(std::uint64_t entries, std::uint64_t max);

struct PageDecision {
  PageReason reason = PageReason::None;  // as of this sample
  bool crossed = false;                  // None before, a reason now
  bool cleared = false;                  // a reason before, None now
  bool paging() const noexcept { return reason != PageReason::None; }
};

class PageEdge {
 public:
  // One sample. max: nullopt while the table's size is unknown, which
  // counts as not paging.
  PageDecision update(std::uint64_t entries, std::optional<std::uint64_t> max, std::optional<double> seconds_to_full);
  bool paging() const noexcept { return paging_; }

 private:
  bool paging_ = false;
};

// Whether the drop or insert_failed counter rose between two reads of one
// namespace (both readings present): packets are being lost now.
bool drops_rising(const CounterTotals& before, const CounterTotals& now);

// The wording. Each returns the reason part of the NOTICE line
//   namespace "<label>" is <reason>; census at once: <census summary>
// "85 % full (850 of 1000 entries, full in about 12.5 s)"; the time only
// when finite and positive.
std::string describe_fill(std::uint64_t entries, std::uint64_t max, std::optional<double> seconds_to_full);
// "dropping packets (drop 3, insert_failed 0 in total) at 85 % full"; the
// fill only when both entries and max (> 0) are known.
std::string describe_drops(const CounterTotals& counters, std::optional<std::uint64_t> entries,
                           std::optional<std::uint64_t> max);
// "TIME_WAIT 81 % of 212000 entries; top source 10.0.0.2 (150000), top
// destination 10.0.0.3:8080 (160000)"; the peers when counted.
std::string describe_census(const Census& c);
// The whole NOTICE line.
std::string evidence_notice(const std::string& label, const std::string& reason, const Census& c);
// `namespace "<label>"`, as every log line names a namespace.
std::string quoted_namespace(const std::string& label);

// Numbers as the log lines write them: "85 %" (of whole; 0 % when whole is
// 0) and "12.5 s" (three significant digits).
std::string format_percent(double part, double whole);
std::string format_seconds(double seconds);

}  // namespace ctwatch::core
