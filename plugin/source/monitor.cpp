// SPDX-License-Identifier: GPL-2.0-only
#include "source/monitor.hpp"

#include <dirent.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <random>

namespace ctwatch::source {
namespace {

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

constexpr double kCensusSlackSeconds = 0.5;

std::string quoted(const std::string& label) { return "namespace \"" + label + "\""; }

std::string fmt_seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g s", s);
  return buf;
}

}  // namespace

Monitor::Monitor(core::Config cfg, LogFn log, std::string proc_root)
    : cfg_(std::move(cfg)),
      log_(std::move(log)),
      // Saving up at most one CensusInterval's worth of budget: the first
      // census runs at once, and a burst never exceeds what the budget
      // allows over one interval.
      budget_(cfg_.census_budget, cfg_.census_budget / 100.0 * cfg_.census_interval),
      epoch_(std::chrono::steady_clock::now()) {
  opt_.mode = cfg_.source;
  opt_.timeout = cfg_.timeout;
  opt_.proc_root = std::move(proc_root);
  namespaces_.push_back(Tracked{std::string(core::kHostLabel), "", false});
  for (const auto& n : cfg_.namespaces)
    namespaces_.push_back(Tracked{n.name, n.path, false});
}

double Monitor::now() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch_).count();
}

std::vector<std::string> Monitor::labels() const {
  std::vector<std::string> out;
  for (const auto& n : namespaces_)
    if (n.sampler) out.push_back(n.label);
  return out;
}

bool Monitor::census_enabled(const Tracked& ns) const {
  // A dump in any namespace walks the whole host hash table, so extra
  // namespaces are censused only on request (NamespaceCensus).
  return cfg_.census && (ns.path.empty() || cfg_.namespace_census);
}

void Monitor::refresh_namespaces(double t) {
  for (auto& ns : namespaces_) {
    if (ns.sampler && !ns.sampler->still_same()) {
      log_(LogLevel::Info, quoted(ns.label) + " (" + ns.path +
                               ") is gone or was replaced; closed its sockets and stopped sampling it");
      ns.sampler.reset();
      // The drop was logged; a failing re-open is not news until the backoff.
      ns.open_complaint.failure(t);
    }
  }
  if (!cfg_.namespace_dir) return;
  const std::string& dir = *cfg_.namespace_dir;
  DIR* d = opendir(dir.c_str());
  if (!d) {
    if (dir_complaint_.failure(t)) log_(LogLevel::Warning, with_errno("NamespaceDir: cannot read " + dir, errno));
    return;
  }
  if (dir_complaint_.success()) log_(LogLevel::Info, "NamespaceDir: " + dir + " is readable again");
  std::set<std::string> present;
  while (const dirent* e = readdir(d)) {
    const std::string name = e->d_name;
    if (name == "." || name == ".." || e->d_type == DT_DIR) continue;
    present.insert(name);
  }
  closedir(d);
  std::erase_if(namespaces_, [&](const Tracked& ns) {
    if (!ns.from_dir || present.count(ns.label)) return false;
    if (ns.sampler) log_(LogLevel::Info, quoted(ns.label) + " (" + ns.path + ") is gone; stopped sampling it");
    return true;
  });
  for (const auto& name : present) {
    const bool known = std::any_of(namespaces_.begin(), namespaces_.end(),
                                   [&](const Tracked& ns) { return ns.label == name; });
    if (known || bad_dir_names_.count(name)) continue;
    if (!core::valid_namespace_label(name)) {
      bad_dir_names_.insert(name);
      log_(LogLevel::Warning, "NamespaceDir: skipping \"" + dir + "/" + name +
                                  "\": the name is not a usable label (1-63 of [A-Za-z0-9_.-], not \"host\")");
      continue;
    }
    namespaces_.push_back(Tracked{name, dir + "/" + name, true});
  }
}

void Monitor::ensure_open(Tracked& ns, double t) {
  if (ns.sampler) return;
  auto s = NamespaceSampler::open(ns.label, ns.path, opt_);
  if (!s) {
    if (ns.open_complaint.failure(t))
      log_(LogLevel::Warning, with_errno(quoted(ns.label) + ": " + s.error().message, s.error().code) +
                                  "; retrying every interval");
    return;
  }
  ns.sampler = std::move(*s);
  ns.open_complaint.success();
  ns.next_census = t;
  ns.announced = false;
}

std::vector<NamespaceReport> Monitor::read() {
  const double t = now();
  refresh_namespaces(t);
  std::vector<NamespaceReport> out;
  for (auto& ns : namespaces_) {
    ensure_open(ns, t);
    if (!ns.sampler) continue;
    SampleResult r = ns.sampler->sample();
    if (r.fell_back) {
      log_(LogLevel::Notice,
           with_errno(quoted(ns.label) + ": ctnetlink refused (" + r.error->message + ")", r.error->code) +
               "; falling back to /proc/sys and /proc/net/stat/nf_conntrack: no census, "
               "no per-state or per-protocol totals (CAP_NET_ADMIN is needed for those)");
    } else if (r.error) {
      if (ns.read_complaint.failure(t))
        log_(LogLevel::Warning, with_errno(quoted(ns.label) + ": " + r.error->message, r.error->code));
    } else if (ns.read_complaint.success()) {
      log_(LogLevel::Info, quoted(ns.label) + ": reading works again");
    }
    // Announced after the first read, so the line names the source really
    // in use (a refused netlink socket only shows on its first request).
    if (!ns.announced) {
      ns.announced = true;
      if (!r.fell_back)
        log_(LogLevel::Info, "sampling " + quoted(ns.label) + (ns.path.empty() ? "" : " (" + ns.path + ")") +
                                 " over " + (ns.sampler->source() == core::Source::Netlink ? "netlink" : "/proc"));
    }
    const core::Snapshot& s = r.snapshot;
    const bool any = s.entries || s.max_entries ||
                     std::any_of(s.counters.begin(), s.counters.end(), [](const auto& c) { return c.has_value(); });
    if (any) out.push_back(NamespaceReport{ns.label, std::move(r.snapshot)});
  }
  run_censuses(out, t);
  return out;
}

void Monitor::run_censuses(std::vector<NamespaceReport>& out, double t) {
  if (!cfg_.census) return;
  std::vector<Tracked*> due;
  double total_cost = 0;
  for (auto& ns : namespaces_) {
    if (!ns.sampler || !census_enabled(ns) || ns.sampler->source() != core::Source::Netlink) continue;
    // A namespace whose stats just failed would fail its dump the same way,
    // after another Timeout and with a second log line for one fault.
    if (ns.read_complaint.failing()) continue;
    total_cost += ns.last_census_cpu;
    // Reads come every Interval with some jitter; without slack a census due
    // at t+30.01 would wait for the read after t+30 (measured: 40 s apart).
    if (ns.next_census <= t + kCensusSlackSeconds) due.push_back(&ns);
  }
  std::sort(due.begin(), due.end(), [](const Tracked* a, const Tracked* b) { return a->next_census < b->next_census; });
  for (Tracked* ns : due) {
    const double start = now();
    if (!budget_.may_start(start, ns->last_census_cpu)) {
      if (!ns->throttled) {
        ns->throttled = true;
        log_(LogLevel::Info, "census of " + quoted(ns->label) + " is spaced out to fit CensusBudget: the last census cost " +
                                 fmt_seconds(ns->last_census_cpu) + " of CPU; next in about " +
                                 fmt_seconds(budget_.wait(start, ns->last_census_cpu)));
      }
      break;
    }
    const double cpu0 = thread_cpu_seconds();
    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                              std::chrono::duration<double>(std::max(cfg_.census_interval, cfg_.timeout)));
    if (cfg_.top_peers > 0 && !peers_) {
      core::PeerOptions po;
      po.top = cfg_.top_peers;
      // A seed nobody outside can guess keys the sketch's hash (peers.hpp).
      std::random_device rd;
      peers_ = std::make_unique<core::PeerTally>(po, (std::uint64_t{rd()} << 32) | rd());
    }
    auto c = ns->sampler->census(deadline, peers_.get());
    const double cpu = std::max(0.0, thread_cpu_seconds() - cpu0);
    const double end = now();
    budget_.charge(cpu, end);
    total_cost += cpu - ns->last_census_cpu;
    ns->last_census_cpu = cpu;
    ns->next_census = t + cfg_.census_interval;  // t: when this read began
    if (!c) {
      if (ns->census_complaint.failure(t))
        log_(LogLevel::Warning, with_errno("census of " + quoted(ns->label) + " failed: " + c.error().message, c.error().code));
      continue;
    }
    if (ns->census_complaint.success()) log_(LogLevel::Info, "census of " + quoted(ns->label) + " works again");
    if (ns->throttled && budget_.sustainable_interval(cpu) <= cfg_.census_interval) ns->throttled = false;
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
