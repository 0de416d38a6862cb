// SPDX-License-Identifier: GPL-2.0-only
#include "source/page_watch.hpp"

#include <algorithm>

namespace ctwatch::source {

void PageWatch::set_sink(Sink sink) { sink_ = std::move(sink); }

template <class F>
void PageWatch::feed(const std::string& label, F&& f) {
  if (!sink_) return;
  std::vector<core::PageEvent> events;
  {
    std::lock_guard<std::mutex> lk(mu_);
    auto it = by_label_.find(label);
    if (it == by_label_.end()) it = by_label_.emplace(label, core::PageNotifier(label)).first;
    events = f(it->second);
  }
  for (const auto& e : events) sink_(label, e);
}

void PageWatch::on_sample(const std::string& label, const core::PageSample& s) {
  feed(label, [&](core::PageNotifier& n) { return n.on_sample(s); });
}

void PageWatch::on_counters(const std::string& label, double t, std::optional<std::uint64_t> drop,
                            std::optional<std::uint64_t> insert_failed) {
  feed(label, [&](core::PageNotifier& n) { return n.on_counters(t, drop, insert_failed); });
}

void PageWatch::on_evidence(const std::string& label, std::string summary) {
  feed(label, [&](core::PageNotifier& n) { return n.on_evidence(std::move(summary)); });
}

void PageWatch::retain(const std::vector<std::string>& labels) {
  std::lock_guard<std::mutex> lk(mu_);
  std::erase_if(by_label_, [&](const auto& kv) { return std::find(labels.begin(), labels.end(), kv.first) == labels.end(); });
}

}  // namespace ctwatch::source
