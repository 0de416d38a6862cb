// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// The state of one sampled namespace, shared by the Monitor's rooms: the
// namespace set (namespace_set.hpp) opens and closes it, the fast sampler
// (fast_sampler.hpp) and the collectd read feed its fill trend, the census
// schedule (census_schedule.hpp) censuses it. This file holds data and the
// one operation every sample goes through (LiveNamespace::record); the
// rooms hold the behaviour.
//
// Locks, always taken in this order: CensusSchedule's census lock,
// LiveNamespace::io, LiveNamespace::data.

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "core/complainer.hpp"
#include "core/counters.hpp"
#include "core/fill_trend.hpp"
#include "core/page_policy.hpp"
#include "core/snapshot.hpp"
#include "source/sampler.hpp"

namespace ctwatch::source {

// Monotonic seconds since the Monitor was built, shared by its rooms.
class MonotonicClock {
 public:
  MonotonicClock() : epoch_(std::chrono::steady_clock::now()) {}
  double now() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch_).count(); }

 private:
  std::chrono::steady_clock::time_point epoch_;
};

// What one read produced for one namespace.
struct NamespaceReport {
  std::string label;
  core::Snapshot snapshot;
};

// One entry count as recorded, and what the page policy made of it.
struct FillObservation {
  double t = 0;  // monotonic seconds
  std::uint64_t entries = 0;
  std::optional<std::uint64_t> max_entries;  // the last known size
  std::optional<double> seconds_to_full;     // computed only where it is dispatched or decides the page
  core::PageDecision page;
  // The reason part of the NOTICE line; set only when page.crossed.
  std::string crossed_reason;
};

// What the read thread and the fast sampler share about one open
// namespace. Held by shared_ptr: the fast sampler may keep it a tick
// longer than the namespace set.
struct LiveNamespace {
  std::string label;
  bool census_enabled = false;                // fixed at open
  std::mutex io;                              // kernel I/O on `sampler`
  std::unique_ptr<NamespaceSampler> sampler;  // guarded by io; null once closed
  std::mutex data;                            // guards everything below
  core::FillTrend trend;
  std::optional<std::uint64_t> max_entries;   // last known, for ticks without it
  core::PageEdge page;                        // the page condition at the last sample
  double last_evidence = -1e18;               // monotonic; the last evidence census started
  std::optional<core::CensusSample> pending;  // evidence census not yet dispatched
  double last_census_at = -1;                 // monotonic; -1: none succeeded yet

  // Adds one entry count to the trend at `t` and asks the page policy
  // about it. For a read (`s` given) it also puts the peak since the
  // previous read and the seconds to full into `s`. Locks `data`.
  FillObservation record(double t, std::uint64_t entries, std::optional<std::uint64_t> max, core::Snapshot* s);
};

// Per-namespace bookkeeping of the read thread (only it touches this).
struct CensusState {
  double next = 0;      // monotonic seconds: the scheduled census is due
  double last_cpu = 0;  // CPU seconds the last scheduled census cost
  core::Complainer complaint;
  bool throttled = false;  // spaced out by the budget (logged on change)
};

struct TrackedNamespace {
  TrackedNamespace(std::string l, std::string p, bool dir) : label(std::move(l)), path(std::move(p)), from_dir(dir) {}
  // The namespace set's.
  std::string label;
  std::string path;  // empty for the host namespace
  bool from_dir = false;
  std::shared_ptr<LiveNamespace> live;  // null while not open
  core::Complainer open_complaint;
  bool seen_open = false;  // opened once (a reopen is not "more")
  // The read's (Monitor::read).
  core::Complainer read_complaint;
  bool announced = false;  // "sampling ..." logged for the current sampler
  core::CounterTotals last_counters{};
  std::uint64_t read_failures = 0;
  // The census schedule's.
  CensusState census;
};

}  // namespace ctwatch::source
