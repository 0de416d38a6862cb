// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// Monitor: the set of sampled namespaces, the fast sampler and the census
// schedule.
//
// Each read() samples every namespace (O(1) kernel work each), then runs the
// censuses that are due while the CPU budget allows. Namespaces come from
// the configuration (Namespace) and from a directory rescanned every read
// (NamespaceDir); one whose path no longer names the namespace that was
// opened is closed at once, so ctwatch never keeps a deleted namespace alive.
// Every condition that repeats per read is logged through a Complainer.
//
// Fast sampler. Between reads, one thread of ours (start(); one per plugin
// instance, whatever the number of namespaces) calls tick() every
// StatsInterval: the entry count of every namespace (GET_STATS, ~4 us) goes
// into that namespace's FillTrend, which gives each read the peak since the
// previous read and the seconds until the table is full. The thread never
// waits for a namespace busy in read() (census, slow kernel): it skips it
// for that tick. It changes no namespace, opens nothing and dispatches
// nothing; collectd's read still does all dispatching.
//
// Evidence census. When a namespace meets the page condition
// (core::page_condition) or its drop / insert_failed counters rise, it is
// censused at once, whatever the budget schedule says (at most once per
// CensusInterval per namespace; its CPU is charged to the budget), and one
// NOTICE line names the fill, the TIME_WAIT share and the top source and
// destination. Its values are dispatched by the next read.
//
// Top peers (Config::top_peers > 0) are counted by the census itself, into
// one PeerTally shared by all namespaces (censuses run one at a time under
// census_mu_), so their memory is fixed: it depends neither on the number
// of namespaces nor on the number of distinct peers.
//
// Locks, always taken in this order: census_mu_, Live::io, Live::data.
// list_mu_ guards only the shape of namespaces_ (read() is its only writer).

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/census_budget.hpp"
#include "core/complainer.hpp"
#include "core/config.hpp"
#include "core/fill_trend.hpp"
#include "core/metrics.hpp"
#include "core/peers.hpp"
#include "core/snapshot.hpp"
#include "source/log.hpp"
#include "source/sampler.hpp"

namespace ctwatch::source {

struct NamespaceReport {
  std::string label;
  core::Snapshot snapshot;
};

class Monitor {
 public:
  Monitor(core::Config cfg, LogFn log, std::string proc_root = "/proc");
  ~Monitor();
  Monitor(const Monitor&) = delete;
  Monitor& operator=(const Monitor&) = delete;

  // Starts the fast sampler thread (no-op with StatsInterval 0 or when
  // running). Signals are blocked in it: they stay collectd's.
  void start();
  // Stops and joins it; idempotent. The destructor calls it.
  void stop();

  // Samples everything; never throws for kernel trouble (it is logged).
  // Every open namespace gets a report, even when its read failed: its
  // self-health (source, read_failures) must go out exactly then.
  std::vector<NamespaceReport> read();

  // The plugin's own health as of the last read().
  core::PluginHealth health() const { return health_; }

  // One fast-sampling round (what the thread does every StatsInterval);
  // public so tests can drive it without the thread. Thread-safe.
  void tick();

  // The labels currently sampled, for tests.
  std::vector<std::string> labels() const;

 private:
  // What read() and the fast sampler share about one namespace.
  struct Live {
    std::string label;
    bool census_enabled = false;
    std::mutex io;                               // kernel I/O on `sampler`
    std::unique_ptr<NamespaceSampler> sampler;   // guarded by io
    std::mutex data;                             // guards everything below
    core::FillTrend trend;
    std::optional<std::uint64_t> max_entries;    // last known, for ticks without it
    bool paging = false;                         // page condition at the last sample
    double last_evidence = -1e18;
    std::optional<core::CensusSample> pending;   // evidence census not yet dispatched
    double last_census_at = -1;                  // monotonic; -1: none succeeded yet
  };
  struct Tracked {
    Tracked(std::string l, std::string p, bool dir) : label(std::move(l)), path(std::move(p)), from_dir(dir) {}
    std::string label;
    std::string path;                 // empty for the host namespace
    bool from_dir = false;
    std::shared_ptr<Live> live;       // null while not open
    core::Complainer open_complaint;
    core::Complainer read_complaint;
    double next_census = 0;           // monotonic seconds
    double last_census_cpu = 0;
    core::Complainer census_complaint;
    bool throttled = false;           // census spaced out by the budget (logged on change)
    bool announced = false;           // "sampling ..." logged for the current sampler
    bool seen_open = false;           // opened once (a reopen is not "more")
    core::CounterTotals last_counters{};
    std::uint64_t read_failures = 0;
  };

  double now() const;
  void refresh_namespaces(double t);
  void ensure_open(Tracked& ns, double t);
  void run_censuses(std::vector<NamespaceReport>& out, double t);
  bool census_enabled(const Tracked& ns) const;
  // Adds one entry count to the namespace's trend (and, for a read, puts
  // the peak and time to full into `s`). Returns the evidence reason when
  // the page condition just became true, else an empty string.
  std::string record(Live& live, double t, std::uint64_t entries, std::optional<std::uint64_t> max,
                     core::Snapshot* s);
  void evidence_census(Live& live, const std::string& why);
  core::PeerTally* peer_tally();  // census_mu_ held
  void fast_loop();
  void report_unsampled(double t);

  core::Config cfg_;
  LogFn log_;
  SamplerOptions opt_;
  core::FillTrendOptions trend_opt_;
  std::vector<Tracked> namespaces_;   // host first, then configured, then from NamespaceDir
  mutable std::mutex list_mu_;
  std::set<std::string> bad_dir_names_;
  std::size_t max_namespaces_ = 0;     // extra namespaces open at once, at most
  std::size_t unsampled_ = 0;          // namespaces not opened this read (limit or EMFILE)
  std::size_t open_failed_ = 0;        // namespaces whose open failed otherwise this read
  std::size_t extra_open_ = 0;         // namespaces other than the host open now (read() only)
  std::string unsampled_example_;
  bool fd_exhausted_ = false;          // this read met EMFILE / ENFILE
  core::Complainer limit_complaint_;
  core::PluginHealth health_;          // of the last read; censuses_deferred accumulates
  // NamespaceDir changes of this read, logged as one line (a node with pod
  // churn would otherwise log a line per pod).
  std::vector<std::string> dir_added_, dir_gone_;
  void report_dir_changes();
  core::Complainer dir_complaint_;
  std::mutex census_mu_;
  core::CensusBudget budget_;                // census_mu_
  std::unique_ptr<core::PeerTally> peers_;  // census_mu_; allocated by the first census that needs it
  std::chrono::steady_clock::time_point epoch_;

  std::thread fast_;
  std::mutex fast_mu_;
  std::condition_variable fast_cv_;
  bool fast_stop_ = false;
};

}  // namespace ctwatch::source
