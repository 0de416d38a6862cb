// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// PageNotifier: when one namespace's conntrack table should page a human,
// decided at every fast-sampler tick (and every collectd read), so that the
// page leaves the plugin the second the plugin knows -- not after a read, a
// scrape and a rule evaluation.
//
// The conditions are the Prometheus rules' (rules/prometheus/ctwatch.rules.yml),
// with the same thresholds, so a pushed alert carries the alertname and labels
// the rule would give it and Alertmanager groups both paths into one page:
//
//   ConntrackTableFillingFast  time_to_full < kFastFillSeconds (300 s) and
//                              max(entries, peak) / max >= kFastFillRatio (0.5);
//                              fires at once (the rule's `for: 0m`)
//   ConntrackTableNearlyFull   max(entries, peak) / max >= kPageFillRatio (0.8)
//                              without a break for nearly_full_for (the
//                              rule's `for: 1m`)
//   ConntrackPacketsDropped    the drop or insert_failed counter rose (one
//                              alert per counter, label type=drop|insert_failed,
//                              as the rule's series); the rule's
//                              increase(...[5m]) > 0 stays true for 5 minutes
//                              after the last rise, so does this
//
// Hysteresis (a table hovering at a threshold does not flap): an alert that
// fires clears only after its *clear* condition held for clear_after seconds
// without a break --
//   FillingFast: fill < kFastFillRatio - hysteresis, or a known time to full
//                >= fast_clear_seconds (+inf: not growing);
//   NearlyFull:  fill < kPageFillRatio - hysteresis;
// an unknown time to full (too few samples, or not estimated at that tick)
// changes nothing.
//
// Rate bound: an alert that fired stays firing at least min_firing seconds,
// so one namespace sends at most one FAILURE per alert per min_firing (10
// minutes by default; 4 alerts, so at most 24 FAILUREs an hour), whatever
// the table does. The page itself is never delayed by the bound; only its
// OKAY.
//
// Messages fit collectd's NOTIF_MAX_MSG_LEN (256 with the NUL) as far as
// their variable parts allow; the adapter truncates the rest. Once a census
// ran (on_evidence, with core::describe_census's words: the TIME_WAIT share
// and the top source and destination), the messages add it, and the firing
// alerts' messages are re-issued (Event::Update).
//
// Pure: time is passed in (monotonic seconds); no clock, no I/O. Not
// thread-safe: the owner locks.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/thresholds.hpp"


namespace ctwatch::core {

enum class PageAlert : std::uint8_t { FillingFast, NearlyFull, PacketsDropped };

// "ConntrackTableFillingFast", "ConntrackTableNearlyFull", "ConntrackPacketsDropped".
std::string_view page_alert_name(PageAlert a);
// The rules' severity label of every page alert (core/thresholds.hpp): the
// three share one, since a page is a page.
inline constexpr std::string_view kPageSeverity = severity_name(alert::kTableNearlyFull.severity);
static_assert(alert::kTableFillingFast.severity == alert::kTableNearlyFull.severity &&
                  alert::kPacketsDropped.severity == alert::kTableNearlyFull.severity,
              "the page alerts must share one severity");

struct PagePolicy {
  double nearly_full_for = 60;      // s; the rule's `for: 1m`
  double hysteresis = 0.05;         // fill ratio below the threshold to clear
  double fast_clear_seconds = 600;  // FillingFast clears while time to full >= this
  double clear_after = 60;          // s the clear condition must hold
  double min_firing = 600;          // s an alert stays firing at least (rate bound)
  double drop_quiet = 300;          // s without a counter rise before PacketsDropped clears
};

// One sample of a namespace's table. entries/max as read; peak: the largest
// count since the previous sample when the reader knows it (collectd reads),
// else entries is used. seconds_to_full: FillTrend's, nullopt when not
// estimated at this sample.
struct PageSample {
  double t = 0;
  std::uint64_t entries = 0;
  std::uint64_t max = 0;  // 0: unknown, the sample is ignored
  std::optional<std::uint64_t> peak;
  std::optional<double> seconds_to_full;
};

struct PageEvent {
  enum class Kind : std::uint8_t { Fire, Update, Resolve };
  Kind kind = Kind::Fire;
  PageAlert alert = PageAlert::FillingFast;
  std::string counter;                    // PacketsDropped: "drop" / "insert_failed"
  double t = 0;                           // the sample's time
  double fill = 0;                        // 0..1 at that sample (0: unknown)
  std::optional<double> seconds_to_full;  // when known and finite
  std::string message;
};

class PageNotifier {
 public:
  explicit PageNotifier(std::string label, PagePolicy policy = {});

  // A sample of the table (every tick and every read). Returns the
  // FillingFast / NearlyFull transitions it causes.
  std::vector<PageEvent> on_sample(const PageSample& s);

  // The drop / insert_failed totals as read (collectd reads). A total
  // above the previous one is a rise; a lower one (reset) only re-bases.
  std::vector<PageEvent> on_counters(double t, std::optional<std::uint64_t> drop,
                                     std::optional<std::uint64_t> insert_failed);

  // A census finished (`summary`: core::describe_census of it): later
  // messages carry it, and every firing alert gets an Update with the new
  // message.
  std::vector<PageEvent> on_evidence(std::string summary);

  // Whether a sample at this fill needs seconds_to_full (FillTrend's fit
  // costs ~30 us; below the FillingFast band nothing depends on it).
  bool wants_estimate(double fill) const noexcept;

  bool firing(PageAlert a, std::string_view counter = {}) const;
  const std::string& label() const noexcept { return label_; }

 private:
  struct Slot {
    bool firing = false;
    double fired_at = 0;
    std::optional<double> pending_since;  // condition true since (NearlyFull)
    std::optional<double> clear_since;    // clear condition true since
  };
  static constexpr std::size_t kSlots = 4;  // FillingFast, NearlyFull, drop, insert_failed
  std::string describe(const PageEvent& e, std::string_view what) const;
  PageEvent event(PageEvent::Kind k, std::size_t slot, double t) const;
  void step(std::size_t slot, double t, bool enter, bool clear, std::vector<PageEvent>& out);

  std::string label_;
  PagePolicy policy_;
  std::array<Slot, kSlots> slots_{};
  // Latest state, for messages.
  std::uint64_t entries_ = 0, max_ = 0;
  double fill_ = 0;
  std::optional<double> ttf_;
  std::array<std::optional<std::uint64_t>, 2> last_counter_{};
  std::array<std::uint64_t, 2> rose_by_{};
  std::array<double, 2> last_rise_{};
  std::string evidence_;
};

}  // namespace ctwatch::core
