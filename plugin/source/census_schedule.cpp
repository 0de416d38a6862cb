// SPDX-License-Identifier: GPL-2.0-only
#include "source/census_schedule.hpp"

#include <time.h>

#include <algorithm>
#include <random>

#include "core/page_policy.hpp"

namespace ctwatch::source {
namespace {

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

constexpr double kCensusSlackSeconds = 0.5;

std::chrono::steady_clock::time_point after(double seconds) {
  return std::chrono::steady_clock::now() +
         std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(seconds));
}

}  // namespace

CensusSchedule::CensusSchedule(const core::Config& cfg, LogFn log, const MonotonicClock& clock)
    : cfg_(cfg),
      log_(std::move(log)),
      clock_(clock),
      // Saving up at most one CensusInterval's worth of budget: the first
      // census runs at once, and a burst never exceeds what the budget
      // allows over one interval.
      budget_(cfg_.census_budget, cfg_.census_budget / 100.0 * cfg_.census_interval) {}

core::PeerTally* CensusSchedule::peer_tally() {
  if (cfg_.top_peers == 0) return nullptr;
  if (!peers_) {
    core::PeerOptions po;
    po.top = cfg_.top_peers;
    // A seed nobody outside can guess keys the sketch's hash (peers.hpp).
    std::random_device rd;
    peers_ = std::make_unique<core::PeerTally>(po, (std::uint64_t{rd()} << 32) | rd());
  }
  return peers_.get();
}

void CensusSchedule::evidence(LiveNamespace& live, const std::string& why) {
  if (!live.census_enabled) return;
  {
    std::lock_guard<std::mutex> lk(live.data);
    if (clock_.now() - live.last_evidence < cfg_.census_interval) return;
    live.last_evidence = clock_.now();
  }
  std::lock_guard<std::mutex> census_lock(census_mu_);
  std::lock_guard<std::mutex> io(live.io);
  if (!live.sampler || live.sampler->source() != core::Source::Netlink) return;
  const double start = clock_.now();
  const double cpu0 = thread_cpu_seconds();
  auto c = live.sampler->census(after(std::max(cfg_.census_interval, cfg_.timeout)), peer_tally());
  const double cpu = std::max(0.0, thread_cpu_seconds() - cpu0);
  const double end = clock_.now();
  // Counted like any census: the scheduled ones wait until it is paid for.
  budget_.charge(cpu, end);
  if (!c) {
    log_(LogLevel::Warning, with_errno(core::quoted_namespace(live.label) + " is " + why +
                                           ", but the census taken at once failed: " + c.error().message,
                                       c.error().code));
    return;
  }
  log_(LogLevel::Notice, core::evidence_notice(live.label, why, *c));
  core::CensusSample sample;
  sample.census = std::move(*c);
  sample.wall_seconds = end - start;
  sample.interval_seconds = std::max(cfg_.census_interval, budget_.sustainable_interval(cpu));
  std::lock_guard<std::mutex> lk(live.data);
  live.pending = std::move(sample);
  live.last_census_at = end;
}

void CensusSchedule::run(std::vector<TrackedNamespace>& namespaces, std::vector<NamespaceReport>& out, double t) {
  if (!cfg_.census) return;
  std::vector<TrackedNamespace*> due;
  double total_cost = 0;
  for (auto& ns : namespaces) {
    if (!ns.live || !ns.live->census_enabled) continue;
    {
      std::lock_guard<std::mutex> io(ns.live->io);
      if (ns.live->sampler->source() != core::Source::Netlink) continue;
    }
    // A namespace whose stats just failed would fail its dump the same way,
    // after another Timeout and with a second log line for one fault.
    if (ns.read_complaint.failing()) continue;
    total_cost += ns.census.last_cpu;
    // Reads come every Interval with some jitter; without slack a census due
    // at t+30.01 would wait for the read after t+30 (measured: 40 s apart).
    if (ns.census.next <= t + kCensusSlackSeconds) due.push_back(&ns);
  }
  std::sort(due.begin(), due.end(),
            [](const TrackedNamespace* a, const TrackedNamespace* b) { return a->census.next < b->census.next; });
  std::lock_guard<std::mutex> census_lock(census_mu_);
  for (TrackedNamespace* ns : due) {
    const double start = clock_.now();
    if (!budget_.may_start(start, ns->census.last_cpu)) {
      // This one and every later one in the queue wait for the budget.
      deferred_ += static_cast<std::uint64_t>(due.end() - std::find(due.begin(), due.end(), ns));
      if (!ns->census.throttled) {
        ns->census.throttled = true;
        log_(LogLevel::Info, "census of " + core::quoted_namespace(ns->label) +
                                 " is spaced out to fit CensusBudget: the last census cost " +
                                 core::format_seconds(ns->census.last_cpu) + " of CPU; next in about " +
                                 core::format_seconds(budget_.wait(start, ns->census.last_cpu)));
      }
      break;
    }
    const double cpu0 = thread_cpu_seconds();
    core::Result<core::Census> c = core::Error{0, ""};
    {
      std::lock_guard<std::mutex> io(ns->live->io);
      c = ns->live->sampler->census(after(std::max(cfg_.census_interval, cfg_.timeout)), peer_tally());
    }
    const double cpu = std::max(0.0, thread_cpu_seconds() - cpu0);
    const double end = clock_.now();
    budget_.charge(cpu, end);
    total_cost += cpu - ns->census.last_cpu;
    ns->census.last_cpu = cpu;
    ns->census.next = t + cfg_.census_interval;  // t: when this read began
    if (!c) {
      if (ns->census.complaint.failure(t))
        log_(LogLevel::Warning,
             with_errno("census of " + core::quoted_namespace(ns->label) + " failed: " + c.error().message,
                        c.error().code));
      continue;
    }
    if (ns->census.complaint.success())
      log_(LogLevel::Info, "census of " + core::quoted_namespace(ns->label) + " works again");
    {
      std::lock_guard<std::mutex> lk(ns->live->data);
      ns->live->last_census_at = end;
    }
    if (ns->census.throttled && budget_.sustainable_interval(cpu) <= cfg_.census_interval) ns->census.throttled = false;
    core::CensusSample sample;
    sample.census = *c;
    sample.wall_seconds = end - start;
    // Declared interval: when the next census of this namespace is expected.
    // collectd's cache (and so write_prometheus) keeps the values for two
    // intervals, so there is no gap between censuses and no re-dispatch.
    sample.interval_seconds = std::max(cfg_.census_interval, budget_.sustainable_interval(total_cost));
    auto it = std::find_if(out.begin(), out.end(), [&](const NamespaceReport& r) { return r.label == ns->label; });
    if (it == out.end()) it = out.insert(out.end(), NamespaceReport{ns->label, {}});
    it->snapshot.census = sample;
  }
}

}  // namespace ctwatch::source
