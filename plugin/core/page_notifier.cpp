// SPDX-License-Identifier: GPL-2.0-only
#include "core/page_notifier.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/thresholds.hpp"

namespace ctwatch::core {
namespace {

constexpr std::size_t kFast = 0, kNearly = 1, kDrop = 2, kInsertFailed = 3;

std::string percent(double ratio) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.0f %%", 100.0 * ratio);
  return buf;
}

std::string seconds(double s) {
  char buf[32];
  if (s < 100) std::snprintf(buf, sizeof buf, "%.0f s", s);
  else std::snprintf(buf, sizeof buf, "%.1f min", s / 60);
  return buf;
}

}  // namespace

std::string_view page_alert_name(PageAlert a) {
  switch (a) {
    case PageAlert::FillingFast: return "ConntrackTableFillingFast";
    case PageAlert::NearlyFull: return "ConntrackTableNearlyFull";
    case PageAlert::PacketsDropped: return "ConntrackPacketsDropped";
  }
  return "ConntrackTableNearlyFull";
}

PageNotifier::PageNotifier(std::string label, PagePolicy policy) : label_(std::move(label)), policy_(policy) {}

bool PageNotifier::wants_estimate(double fill) const noexcept {
  return fill >= kFastFillRatio - policy_.hysteresis || slots_[kFast].firing;
}

bool PageNotifier::firing(PageAlert a, std::string_view counter) const {
  switch (a) {
    case PageAlert::FillingFast: return slots_[kFast].firing;
    case PageAlert::NearlyFull: return slots_[kNearly].firing;
    case PageAlert::PacketsDropped:
      return counter == "insert_failed" ? slots_[kInsertFailed].firing
             : counter == "drop"        ? slots_[kDrop].firing
                                        : slots_[kDrop].firing || slots_[kInsertFailed].firing;
  }
  return false;
}

std::string PageNotifier::describe(const PageEvent& e, std::string_view what) const {
  std::string m = std::string(page_alert_name(e.alert)) + (e.kind == PageEvent::Kind::Resolve ? " resolved: " : ": ") +
                  "namespace \"" + label_ + "\" " + std::string(what);
  if (max_ > 0)
    m += " (" + percent(fill_) + " full, " + std::to_string(entries_) + " of " + std::to_string(max_) + " entries";
  if (max_ > 0 && ttf_ && std::isfinite(*ttf_)) m += ", full in about " + seconds(*ttf_);
  if (max_ > 0) m += ")";
  if (!evidence_.empty() && e.kind != PageEvent::Kind::Resolve) m += "; " + evidence_;
  return m;
}

PageEvent PageNotifier::event(PageEvent::Kind k, std::size_t slot, double t) const {
  PageEvent e;
  e.kind = k;
  e.t = t;
  e.fill = fill_;
  if (ttf_ && std::isfinite(*ttf_)) e.seconds_to_full = ttf_;
  const bool resolve = k == PageEvent::Kind::Resolve;
  switch (slot) {
    case kFast:
      e.alert = PageAlert::FillingFast;
      e.message = describe(e, resolve ? "is no longer filling fast" : "is filling fast");
      break;
    case kNearly:
      e.alert = PageAlert::NearlyFull;
      e.message = describe(e, resolve ? "is no longer nearly full" : "is nearly full");
      break;
    default: {
      e.alert = PageAlert::PacketsDropped;
      const std::size_t i = slot - kDrop;
      e.counter = i == 0 ? "drop" : "insert_failed";
      e.message = describe(e, resolve ? "stopped dropping packets: " + e.counter + " has not risen for " +
                                            seconds(policy_.drop_quiet)
                                      : "is dropping packets: " + e.counter + " rose by " +
                                            std::to_string(rose_by_[i]));
    }
  }
  return e;
}

void PageNotifier::step(std::size_t slot, double t, bool enter, bool clear, std::vector<PageEvent>& out) {
  Slot& s = slots_[slot];
  if (!s.firing) {
    if (!enter) return;
    s.firing = true;
    s.fired_at = t;
    s.clear_since.reset();
    out.push_back(event(PageEvent::Kind::Fire, slot, t));
    return;
  }
  if (!clear) {
    s.clear_since.reset();
    return;
  }
  if (!s.clear_since) s.clear_since = t;
  if (t - *s.clear_since >= policy_.clear_after && t - s.fired_at >= policy_.min_firing) {
    s.firing = false;
    s.clear_since.reset();
    s.pending_since.reset();
    out.push_back(event(PageEvent::Kind::Resolve, slot, t));
  }
}

std::vector<PageEvent> PageNotifier::on_sample(const PageSample& x) {
  std::vector<PageEvent> out;
  if (x.max == 0) return out;
  entries_ = x.entries;
  max_ = x.max;
  const double level = static_cast<double>(std::max(x.entries, x.peak.value_or(0)));
  fill_ = level / static_cast<double>(x.max);
  if (x.seconds_to_full) ttf_ = x.seconds_to_full;
  const std::optional<double> ttf = x.seconds_to_full;  // this sample's, not an old one

  // FillingFast: the rule's condition; an unknown estimate neither enters
  // nor clears (nor breaks a clear period already running).
  const bool fast = ttf && *ttf < kFastFillSeconds && fill_ >= kFastFillRatio;
  const bool fast_clear = fill_ < kFastFillRatio - policy_.hysteresis || (ttf && *ttf >= policy_.fast_clear_seconds);
  if (ttf || fast_clear) step(kFast, x.t, fast, fast_clear, out);

  // NearlyFull: the condition must hold for `for` without a break.
  Slot& n = slots_[kNearly];
  const bool nearly = fill_ >= kPageFillRatio;
  if (nearly) {
    if (!n.pending_since) n.pending_since = x.t;
  } else {
    n.pending_since.reset();
  }
  const bool nearly_enter = nearly && x.t - *n.pending_since >= policy_.nearly_full_for;
  step(kNearly, x.t, nearly_enter, fill_ < kPageFillRatio - policy_.hysteresis, out);
  return out;
}

std::vector<PageEvent> PageNotifier::on_counters(double t, std::optional<std::uint64_t> drop,
                                                 std::optional<std::uint64_t> insert_failed) {
  std::vector<PageEvent> out;
  const std::array<std::optional<std::uint64_t>, 2> now{drop, insert_failed};
  for (std::size_t i = 0; i < 2; ++i) {
    if (!now[i]) continue;
    const bool rose = last_counter_[i] && *now[i] > *last_counter_[i];
    if (rose) {
      rose_by_[i] = *now[i] - *last_counter_[i];
      last_rise_[i] = t;
    }
    last_counter_[i] = now[i];
    const bool quiet = slots_[kDrop + i].firing && !rose && t - last_rise_[i] >= policy_.drop_quiet;
    step(kDrop + i, t, rose, quiet, out);
  }
  return out;
}

std::vector<PageEvent> PageNotifier::on_evidence(std::string summary) {
  evidence_ = std::move(summary);
  std::vector<PageEvent> out;
  for (std::size_t i = 0; i < kSlots; ++i)
    if (slots_[i].firing) out.push_back(event(PageEvent::Kind::Update, i, slots_[i].fired_at));
  return out;
}

}  // namespace ctwatch::core
