// SPDX-License-Identifier: GPL-2.0-only
#include "source/fast_sampler.hpp"

#include <chrono>

#include "source/quiet_thread.hpp"

namespace ctwatch::source {

FastSampler::FastSampler(double interval, LogFn log, const NamespaceSet& namespaces, const MonotonicClock& clock,
                         Observer observer)
    : interval_(interval),
      log_(std::move(log)),
      namespaces_(namespaces),
      clock_(clock),
      observer_(std::move(observer)) {}

FastSampler::~FastSampler() { stop(); }

void FastSampler::start() {
  if (interval_ <= 0 || thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lk(mu_);
    stop_ = false;
  }
  thread_ = start_quiet_thread([this] { loop(); });  // signals stay collectd's
}

void FastSampler::stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lk(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void FastSampler::loop() {
  const auto period =
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(interval_));
  auto next = std::chrono::steady_clock::now();
  std::unique_lock<std::mutex> lk(mu_);
  while (!stop_) {
    lk.unlock();
    try {
      tick();
    } catch (const std::exception& e) {
      log_(LogLevel::Error, std::string("fast sampler: ") + e.what());
    }
    lk.lock();
    // Fixed rate; after an overrun (a slow kernel) start again from now
    // rather than firing a burst of catch-up ticks.
    next += period;
    const auto t = std::chrono::steady_clock::now();
    if (next < t) next = t + period;
    cv_.wait_until(lk, next, [this] { return stop_; });
  }
}

void FastSampler::tick() {
  for (const auto& live : namespaces_.live()) {
    core::Result<core::GlobalStats> g = core::Error{0, ""};
    {
      std::unique_lock<std::mutex> io(live->io, std::try_to_lock);
      if (!io.owns_lock() || !live->sampler) continue;  // busy in read(), or closed
      g = live->sampler->count();
    }
    if (!g || !g->entries) continue;  // read() reports failures, once
    const FillObservation o = live->record(clock_.now(), *g->entries, g->max_entries, nullptr);
    if (observer_) observer_(*live, o);
  }
}

}  // namespace ctwatch::source
