// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// FastSampler: the entry count of every open namespace every
// StatsInterval, between collectd's reads.
//
// One thread of ours (start(); one per plugin instance, whatever the number
// of namespaces) calls tick() every StatsInterval: the entry count of every
// namespace (GET_STATS, ~4 us) goes through LiveNamespace::record into that
// namespace's FillTrend and page policy, which gives each read the peak
// since the previous read and the seconds until the table is full. Then the
// observer is called with what was recorded: this is the one place where
// per-namespace reactions to a fine-grained sample belong (today: the
// evidence census when the page condition is crossed).
//
// The thread never waits for a namespace busy in read() (census, slow
// kernel): it skips it for that tick. It changes no namespace, opens
// nothing and dispatches nothing to collectd; collectd's read still does
// all dispatching. Its signals are blocked: they stay collectd's.

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "source/log.hpp"
#include "source/namespace_set.hpp"
#include "source/namespace_state.hpp"

namespace ctwatch::source {

class FastSampler {
 public:
  // Called on the ticking thread for each namespace sampled, with no lock
  // held; it may take LiveNamespace's locks (in their order). An exception
  // is logged and ends that tick, not the thread.
  using Observer = std::function<void(LiveNamespace&, const FillObservation&)>;

  // interval: StatsInterval in seconds (0: start() does nothing). The set
  // and clock must outlive this object.
  FastSampler(double interval, LogFn log, const NamespaceSet& namespaces, const MonotonicClock& clock,
              Observer observer);
  ~FastSampler();
  FastSampler(const FastSampler&) = delete;
  FastSampler& operator=(const FastSampler&) = delete;

  // Starts the thread (no-op with interval 0 or when running).
  void start();
  // Stops and joins it; idempotent.
  void stop();
  // One round, what the thread does every interval; thread-safe.
  void tick();

 private:
  void loop();

  double interval_;
  LogFn log_;
  const NamespaceSet& namespaces_;
  const MonotonicClock& clock_;
  Observer observer_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // mu_
};

}  // namespace ctwatch::source
