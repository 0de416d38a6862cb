// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// Monitor: the set of sampled namespaces and the census schedule.
//
// Each read() samples every namespace (O(1) kernel work each), then runs the
// censuses that are due while the CPU budget allows. Namespaces come from
// the configuration (Namespace) and from a directory rescanned every read
// (NamespaceDir); one whose path no longer names the namespace that was
// opened is closed at once, so ctwatch never keeps a deleted namespace alive.
// Every condition that repeats per read is logged through a Complainer.
//
// Top peers (Config::top_peers > 0) are counted by the census itself, into
// one PeerTally shared by all namespaces (censuses run one after the other
// in the read thread), so their memory is fixed: it depends neither on the
// number of namespaces nor on the number of distinct peers.

#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/census_budget.hpp"
#include "core/complainer.hpp"
#include "core/config.hpp"
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

  // Samples everything; never throws for kernel trouble (it is logged).
  std::vector<NamespaceReport> read();

  // The labels currently sampled, for tests.
  std::vector<std::string> labels() const;

 private:
  struct Tracked {
    Tracked(std::string l, std::string p, bool dir) : label(std::move(l)), path(std::move(p)), from_dir(dir) {}
    std::string label;
    std::string path;                 // empty for the host namespace
    bool from_dir = false;
    std::unique_ptr<NamespaceSampler> sampler;
    core::Complainer open_complaint;
    core::Complainer read_complaint;
    double next_census = 0;           // monotonic seconds
    double last_census_cpu = 0;
    core::Complainer census_complaint;
    bool throttled = false;
    bool announced = false;           // "sampling ..." logged for the current sampler           // census spaced out by the budget (logged on change)
  };

  double now() const;
  void refresh_namespaces(double t);
  void ensure_open(Tracked& ns, double t);
  void run_censuses(std::vector<NamespaceReport>& out, double t);
  bool census_enabled(const Tracked& ns) const;

  core::Config cfg_;
  LogFn log_;
  SamplerOptions opt_;
  std::vector<Tracked> namespaces_;   // host first, then configured, then from NamespaceDir
  std::set<std::string> bad_dir_names_;
  core::Complainer dir_complaint_;
  core::CensusBudget budget_;
  std::unique_ptr<core::PeerTally> peers_;  // allocated by the first census that needs it
  std::chrono::steady_clock::time_point epoch_;
};

}  // namespace ctwatch::source
