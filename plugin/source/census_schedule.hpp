// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// CensusSchedule: when each namespace's table is walked (a GET dump, the
// census), within the CPU budget.
//
// Scheduled censuses. At each read, the namespaces whose census is due
// (every CensusInterval, netlink only, not while their reads fail) are
// censused oldest first while the CensusBudget allows; the rest wait, are
// counted as deferred, and a namespace spaced out by the budget is logged
// once. A census's declared interval is when the next one is expected, so
// collectd's cache keeps its values until then.
//
// Evidence censuses. When a namespace meets the page condition or drops
// packets, evidence() censuses it at once, whatever the schedule says (at
// most once per CensusInterval per namespace; its CPU is charged to the
// budget), and logs one NOTICE line (core::evidence_notice). Its values
// wait in LiveNamespace::pending for the next read. It may run on the fast
// sampler's thread or on the read thread.
//
// Top peers (Config::top_peers > 0) are counted by the census itself, into
// one PeerTally shared by all namespaces (censuses run one at a time under
// census_mu_), so their memory is fixed: it depends neither on the number
// of namespaces nor on the number of distinct peers.

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/census_budget.hpp"
#include "core/config.hpp"
#include "core/peers.hpp"
#include "source/log.hpp"
#include "source/namespace_state.hpp"

namespace ctwatch::source {

class CensusSchedule {
 public:
  CensusSchedule(const core::Config& cfg, LogFn log, const MonotonicClock& clock);

  // The scheduled censuses due at `t` (when this read began), each put into
  // its namespace's report in `out` (a report is added when missing). Read
  // thread only.
  void run(std::vector<TrackedNamespace>& namespaces, std::vector<NamespaceReport>& out, double t);
  // The evidence census of `live`, `why` being the reason part of the
  // NOTICE line. Any thread; takes the census lock.
  void evidence(LiveNamespace& live, const std::string& why);
  // Due censuses postponed by the budget, since the start (monotonic).
  std::uint64_t deferred() const noexcept { return deferred_; }

 private:
  core::PeerTally* peer_tally();  // census_mu_ held

  const core::Config& cfg_;
  LogFn log_;
  const MonotonicClock& clock_;
  std::uint64_t deferred_ = 0;  // read thread
  std::mutex census_mu_;
  core::CensusBudget budget_;               // census_mu_
  std::unique_ptr<core::PeerTally> peers_;  // census_mu_; allocated by the first census that needs it
};

}  // namespace ctwatch::source
