// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// PageWatch: one core::PageNotifier per sampled namespace, fed by the
// Monitor's rooms -- every fast-sampler tick and every read (fill), every
// read (drop / insert_failed totals), every evidence census -- and a sink
// that turns each decision into a collectd notification (the adapter's
// dispatch_page). The sink is called on the thread that fed the sample (the
// fast sampler for a tick: the page leaves at the tick that saw it), after
// PageWatch's own lock is released.
//
// Memory: one notifier per label sampled; retain() drops the others (a
// namespace that is gone does not resolve its alerts here: its FAILURE
// stays with the consumer, and the Alertmanager bridge's endsAt lets
// Alertmanager resolve it ~4 ResendIntervals later).

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/page_notifier.hpp"

namespace ctwatch::source {

class PageWatch {
 public:
  using Sink = std::function<void(const std::string& label, const core::PageEvent&)>;

  // Set before the fast sampler starts; without a sink nothing is decided.
  void set_sink(Sink sink);
  bool enabled() const noexcept { return static_cast<bool>(sink_); }

  // Thread-safe; each may call the sink.
  void on_sample(const std::string& label, const core::PageSample& s);
  void on_counters(const std::string& label, double t, std::optional<std::uint64_t> drop,
                   std::optional<std::uint64_t> insert_failed);
  // A census of the namespace finished; `summary` is core::describe_census's.
  void on_evidence(const std::string& label, std::string summary);
  // Forgets every namespace not in `labels` (read() calls it).
  void retain(const std::vector<std::string>& labels);

 private:
  template <class F>
  void feed(const std::string& label, F&& f);

  Sink sink_;
  std::mutex mu_;
  std::map<std::string, core::PageNotifier> by_label_;
};

}  // namespace ctwatch::source
