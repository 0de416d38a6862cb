// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// Monitor: the coordinator of one plugin instance. It owns the rooms and
// runs a collectd read through them; each room states its own job:
//
//   NamespaceSet   (namespace_set.hpp)    which namespaces, open/close, fd limits
//   FastSampler    (fast_sampler.hpp)     entry counts every StatsInterval
//   CensusSchedule (census_schedule.hpp)  scheduled and evidence censuses, budget
//   page policy    (core/page_policy.hpp) when a table pages; the NOTICE wording
//
// Each read() samples every namespace (O(1) kernel work each; the set opens
// what is new), takes an evidence census where the page condition was just
// crossed or drop / insert_failed rose, then runs the censuses that are due.
// Every condition that repeats per read is logged through a Complainer.

#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/metrics.hpp"
#include "source/census_schedule.hpp"
#include "source/fast_sampler.hpp"
#include "source/log.hpp"
#include "source/namespace_set.hpp"
#include "source/namespace_state.hpp"
#include "source/page_watch.hpp"

namespace ctwatch::source {

class Monitor {
 public:
  Monitor(core::Config cfg, LogFn log, std::string proc_root = "/proc");
  ~Monitor();
  Monitor(const Monitor&) = delete;
  Monitor& operator=(const Monitor&) = delete;

  // Starts the fast sampler thread (no-op with StatsInterval 0 or when
  // running). Signals are blocked in it: they stay collectd's.
  void start() { fast_.start(); }
  // Stops and joins it; idempotent. The destructor calls it.
  void stop() { fast_.stop(); }

  // Samples everything; never throws for kernel trouble (it is logged).
  // Every open namespace gets a report, even when its read failed: its
  // self-health (source, read_failures) must go out exactly then.
  std::vector<NamespaceReport> read();

  // The plugin's own health as of the last read().
  core::PluginHealth health() const { return health_; }

  // One fast-sampling round (what the thread does every StatsInterval);
  // public so tests can drive it without the thread. Thread-safe.
  void tick() { fast_.tick(); }

  // Where the page decisions go (core::PageNotifier per namespace, fed by
  // every fast-sampler tick and every read; the sink runs on that thread,
  // so a page leaves at the tick that saw it). Set before start(); without
  // it nothing is decided.
  void set_page_sink(PageWatch::Sink sink) { pages_.set_sink(std::move(sink)); }

  // The labels currently sampled, for tests.
  std::vector<std::string> labels() const { return set_.labels(); }

 private:
  static SamplerOptions sampler_options(const core::Config& cfg, std::string proc_root);
  // One namespace of a read (open first if needed): sample, log, record,
  // evidence census; its report goes into `out` when it is open.
  void read_one(TrackedNamespace& ns, double t, std::size_t& ok, std::size_t& failed,
                std::vector<NamespaceReport>& out);
  void fill_self_health(std::vector<NamespaceReport>& out);
  // The page watch's share of a sample, and of an evidence census just taken.
  void page_sample(const LiveNamespace& live, const FillObservation& o, std::optional<std::uint64_t> peak);
  void page_evidence(LiveNamespace& live);

  const core::Config cfg_;
  LogFn log_;
  MonotonicClock clock_;
  NamespaceSet set_;
  CensusSchedule census_;
  core::PluginHealth health_;  // of the last read
  PageWatch pages_;
  FastSampler fast_;           // last: stopped first
};

}  // namespace ctwatch::source
