// SPDX-License-Identifier: GPL-2.0-only
#include "source/monitor.hpp"

#include <dirent.h>
#include <sys/resource.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <limits>
#include <random>
#include <string_view>
#include <unordered_map>

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

std::string fmt_percent(double part, double whole) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f %%", whole > 0 ? 100.0 * part / whole : 0.0);
  return buf;
}

std::chrono::steady_clock::time_point after(double seconds) {
  return std::chrono::steady_clock::now() +
         std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(seconds));
}

// "TIME_WAIT 81 % of 212000 entries; top source 10.0.0.2 (150000),
// top destination 10.0.0.3:8080 (160000)"
std::string describe_census(const core::Census& c) {
  std::string s = "TIME_WAIT " + fmt_percent(static_cast<double>(c.tcp_states[core::kTcpTimeWait]),
                                             static_cast<double>(c.entries)) +
                  " of " + std::to_string(c.entries) + " entries";
  if (c.top_peers) {
    const auto& src = c.top_peers->sources.top;
    const auto& dst = c.top_peers->destinations.top;
    if (!src.empty())
      s += "; top source " + core::format_address(src.front().key) + " (" + std::to_string(src.front().count) + ")";
    if (!dst.empty())
      s += ", top destination " + core::format_endpoint(dst.front().key) + " (" +
           std::to_string(dst.front().count) + ")";
  }
  return s;
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
  // Without the fast sampler the trend sees one sample per read; collectd's
  // default Interval is 10 s.
  trend_opt_.sample_interval = cfg_.stats_interval > 0 ? cfg_.stats_interval : 10;
  max_namespaces_ = cfg_.max_namespaces;
  if (max_namespaces_ == 0) {
    rlimit rl{};
    const rlim_t soft = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY ? rl.rlim_cur : 1024;
    max_namespaces_ = std::max<std::size_t>(1, static_cast<std::size_t>(soft) / 2);
  }
  namespaces_.push_back(Tracked{std::string(core::kHostLabel), "", false});
  for (const auto& n : cfg_.namespaces)
    namespaces_.push_back(Tracked{n.name, n.path, false});
}

Monitor::~Monitor() { stop(); }

void Monitor::start() {
  if (cfg_.stats_interval <= 0 || fast_.joinable()) return;
  {
    std::lock_guard<std::mutex> lk(fast_mu_);
    fast_stop_ = false;
  }
  // The thread inherits the creator's signal mask: block everything while
  // creating it, so a signal meant for collectd never runs on our thread.
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  try {
    fast_ = std::thread([this] { fast_loop(); });
  } catch (...) {
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    throw;
  }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

void Monitor::stop() {
  if (!fast_.joinable()) return;
  {
    std::lock_guard<std::mutex> lk(fast_mu_);
    fast_stop_ = true;
  }
  fast_cv_.notify_all();
  fast_.join();
}

void Monitor::fast_loop() {
  const auto period = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(cfg_.stats_interval));
  auto next = std::chrono::steady_clock::now();
  std::unique_lock<std::mutex> lk(fast_mu_);
  while (!fast_stop_) {
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
    fast_cv_.wait_until(lk, next, [this] { return fast_stop_; });
  }
}

double Monitor::now() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch_).count();
}

std::vector<std::string> Monitor::labels() const {
  std::lock_guard<std::mutex> lk(list_mu_);
  std::vector<std::string> out;
  for (const auto& n : namespaces_)
    if (n.live) out.push_back(n.label);
  return out;
}

bool Monitor::census_enabled(const Tracked& ns) const {
  // A dump in any namespace walks the whole host hash table, so extra
  // namespaces are censused only on request (NamespaceCensus).
  return cfg_.census && (ns.path.empty() || cfg_.namespace_census);
}

void Monitor::refresh_namespaces(double t) {
  for (auto& ns : namespaces_) {
    if (!ns.live) continue;
    bool same;
    NsId was;
    {
      std::lock_guard<std::mutex> io(ns.live->io);
      same = ns.live->sampler->still_same();
      was = ns.live->sampler->id();
    }
    if (!same) {
      // A NamespaceDir entry that is simply gone (pod deleted; `ip netns
      // del` unmounts, then unlinks) goes into the one summary line; a path
      // that now names another namespace (same nsfs device, other inode), or
      // a configured Namespace, gets its own.
      const auto now_id = ns_id_of(ns.path);
      const bool replaced = now_id && now_id->dev == was.dev;
      if (ns.from_dir && !replaced)
        dir_gone_.push_back(ns.label);
      else
        log_(LogLevel::Info, quoted(ns.label) + " (" + ns.path +
                                 ") is gone or was replaced; closed its sockets and stopped sampling it");
      {
        // The fast sampler may hold a reference a little longer; the
        // sockets go now.
        std::lock_guard<std::mutex> io(ns.live->io);
        ns.live->sampler.reset();
      }
      std::lock_guard<std::mutex> lk(list_mu_);
      ns.live.reset();
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
  std::lock_guard<std::mutex> lk(list_mu_);
  std::erase_if(namespaces_, [&](const Tracked& ns) {
    if (!ns.from_dir || present.count(ns.label)) return false;
    if (ns.live) {
      dir_gone_.push_back(ns.label);
      std::lock_guard<std::mutex> io(ns.live->io);
      ns.live->sampler.reset();
    }
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
  if (ns.live) return;
  if (!ns.path.empty()) {
    // One descriptor per open namespace: never more than MaxNamespaces, and
    // none after the process ran out this read (collectd's other plugins
    // need theirs). Reported once for all, by report_unsampled().
    if (extra_open_ >= max_namespaces_ || fd_exhausted_) {
      if (unsampled_++ == 0) unsampled_example_ = ns.label;
      return;
    }
  }
  auto s = NamespaceSampler::open(ns.label, ns.path, opt_);
  if (!s && (s.error().code == EMFILE || s.error().code == ENFILE)) {
    fd_exhausted_ = true;
    if (unsampled_++ == 0) unsampled_example_ = ns.label;
    return;
  }
  if (!s) {
    ++open_failed_;
    if (ns.open_complaint.failure(t))
      log_(LogLevel::Warning, with_errno(quoted(ns.label) + ": " + s.error().message, s.error().code) +
                                  "; retrying every interval");
    return;
  }
  auto live = std::make_shared<Live>();
  live->label = ns.label;
  live->census_enabled = census_enabled(ns);
  live->sampler = std::move(*s);
  live->trend = core::FillTrend(trend_opt_);
  {
    std::lock_guard<std::mutex> lk(list_mu_);
    ns.live = std::move(live);
  }
  if (!ns.path.empty()) ++extra_open_;
  ns.open_complaint.success();
  ns.next_census = t;
  // NamespaceDir entries are announced together (report_dir_changes), a
  // reopened one (its path re-pointed) not again.
  ns.announced = ns.from_dir;
  if (ns.from_dir && !ns.seen_open) dir_added_.push_back(ns.label);
  ns.seen_open = true;
  ns.last_counters = {};
}

std::string Monitor::record(Live& live, double t, std::uint64_t entries, std::optional<std::uint64_t> max,
                            core::Snapshot* s) {
  std::lock_guard<std::mutex> lk(live.data);
  if (max) live.max_entries = max;
  live.trend.add(t, entries);
  // The estimate (two least-squares and Theil-Sen fits, ~30 us) only where
  // it is dispatched or can decide the page condition: between the fast
  // and the full page's fill levels. A tick of a table below half full
  // costs the GET_STATS alone.
  std::optional<double> ttf;
  const double fill = live.max_entries && *live.max_entries > 0
                          ? static_cast<double>(entries) / static_cast<double>(*live.max_entries)
                          : 0;
  if (live.max_entries && (s || (fill >= core::kFastFillRatio && fill < core::kPageFillRatio)))
    ttf = live.trend.seconds_to_full(*live.max_entries);
  if (s) {
    s->peak_entries = live.trend.take_peak();
    s->seconds_to_full = ttf;
  }
  const bool paging = live.max_entries && core::page_condition(entries, *live.max_entries, ttf);
  const bool crossed = paging && !live.paging;
  live.paging = paging;
  if (!crossed) return {};
  std::string why = fmt_percent(static_cast<double>(entries), static_cast<double>(*live.max_entries)) + " full (" +
                    std::to_string(entries) + " of " + std::to_string(*live.max_entries) + " entries";
  if (ttf && std::isfinite(*ttf) && *ttf > 0) why += ", full in about " + fmt_seconds(*ttf);
  return why + ")";
}

void Monitor::tick() {
  std::vector<std::shared_ptr<Live>> all;
  {
    std::lock_guard<std::mutex> lk(list_mu_);
    for (const auto& ns : namespaces_)
      if (ns.live) all.push_back(ns.live);
  }
  for (const auto& live : all) {
    core::Result<core::GlobalStats> g = core::Error{0, ""};
    {
      std::unique_lock<std::mutex> io(live->io, std::try_to_lock);
      if (!io.owns_lock() || !live->sampler) continue;  // busy in read(), or closed
      g = live->sampler->count();
    }
    if (!g || !g->entries) continue;  // read() reports failures, once
    const std::string why = record(*live, now(), *g->entries, g->max_entries, nullptr);
    if (!why.empty()) evidence_census(*live, why);
  }
}

core::PeerTally* Monitor::peer_tally() {
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

void Monitor::evidence_census(Live& live, const std::string& why) {
  if (!live.census_enabled) return;
  {
    std::lock_guard<std::mutex> lk(live.data);
    if (now() - live.last_evidence < cfg_.census_interval) return;
    live.last_evidence = now();
  }
  std::lock_guard<std::mutex> census_lock(census_mu_);
  std::lock_guard<std::mutex> io(live.io);
  if (!live.sampler || live.sampler->source() != core::Source::Netlink) return;
  const double start = now();
  const double cpu0 = thread_cpu_seconds();
  auto c = live.sampler->census(after(std::max(cfg_.census_interval, cfg_.timeout)), peer_tally());
  const double cpu = std::max(0.0, thread_cpu_seconds() - cpu0);
  const double end = now();
  // Counted like any census: the scheduled ones wait until it is paid for.
  budget_.charge(cpu, end);
  if (!c) {
    log_(LogLevel::Warning, with_errno(quoted(live.label) + " is " + why + ", but the census taken at once failed: " +
                                           c.error().message,
                                       c.error().code));
    return;
  }
  log_(LogLevel::Notice, quoted(live.label) + " is " + why + "; census at once: " + describe_census(*c));
  core::CensusSample sample;
  sample.census = std::move(*c);
  sample.wall_seconds = end - start;
  sample.interval_seconds = std::max(cfg_.census_interval, budget_.sustainable_interval(cpu));
  std::lock_guard<std::mutex> lk(live.data);
  live.pending = std::move(sample);
  live.last_census_at = end;
}

void Monitor::report_dir_changes() {
  if (dir_added_.empty() && dir_gone_.empty()) return;
  auto names = [](std::vector<std::string>& v) {
    std::sort(v.begin(), v.end());
    std::string s;
    for (std::size_t i = 0; i < v.size() && i < 5; ++i) s += (i ? ", \"" : " (\"") + v[i] + "\"";
    return s + (v.size() > 5 ? ", ...)" : ")");
  };
  std::size_t sampled = 0, on_proc = 0;
  for (const auto& ns : namespaces_)
    if (ns.live && ns.from_dir) {
      ++sampled;
      std::lock_guard<std::mutex> io(ns.live->io);
      if (ns.live->sampler && ns.live->sampler->source() == core::Source::Proc) ++on_proc;
    }
  std::string line = "NamespaceDir " + *cfg_.namespace_dir + ":";
  if (!dir_added_.empty()) line += " sampling " + std::to_string(dir_added_.size()) + " more" + names(dir_added_);
  if (!dir_gone_.empty())
    line += std::string(dir_added_.empty() ? "" : ";") + " " + std::to_string(dir_gone_.size()) + " gone" +
            names(dir_gone_);
  line += "; now " + std::to_string(sampled) + " sampled";
  if (on_proc) line += " (" + std::to_string(on_proc) + " over /proc)";
  log_(LogLevel::Info, line);
  dir_added_.clear();
  dir_gone_.clear();
}

void Monitor::report_unsampled(double t) {
  if (unsampled_ == 0) {
    if (limit_complaint_.success()) log_(LogLevel::Info, "every namespace is sampled again");
    return;
  }
  if (!limit_complaint_.failure(t)) return;
  char why[160];
  if (fd_exhausted_)
    std::snprintf(why, sizeof why, "the process ran out of file descriptors (EMFILE/ENFILE)");
  else
    std::snprintf(why, sizeof why, "MaxNamespaces %zu%s is reached (one descriptor each)", max_namespaces_,
                  cfg_.max_namespaces ? "" : " (half of collectd's open-file limit)");
  log_(LogLevel::Warning, std::to_string(unsampled_) + " namespace(s) not sampled, e.g. " +
                              quoted(unsampled_example_) + ": " + why +
                              "; raise collectd's LimitNOFILE or MaxNamespaces");
}

std::vector<NamespaceReport> Monitor::read() {
  const double t = now();
  refresh_namespaces(t);
  unsampled_ = 0;
  open_failed_ = 0;
  // Counted once per read, then kept up to date by ensure_open: a count per
  // namespace would make a read of N namespaces O(N^2).
  extra_open_ = static_cast<std::size_t>(std::count_if(
      namespaces_.begin(), namespaces_.end(), [](const Tracked& x) { return x.live && !x.path.empty(); }));
  fd_exhausted_ = false;
  std::size_t read_ok = 0, read_failed = 0;
  std::vector<NamespaceReport> out;
  for (auto& ns : namespaces_) {
    ensure_open(ns, t);
    if (!ns.live) continue;
    Live& live = *ns.live;
    SampleResult r;
    core::Source source;
    {
      std::lock_guard<std::mutex> io(live.io);
      r = live.sampler->sample();
      source = live.sampler->source();
    }
    if (r.fell_back) {
      log_(LogLevel::Notice,
           with_errno(quoted(ns.label) + ": ctnetlink refused (" + r.error->message + ")", r.error->code) +
               "; falling back to /proc/sys and /proc/net/stat/nf_conntrack: no census, "
               "no per-state or per-protocol totals (CAP_NET_ADMIN is needed for those)");
    } else if (r.error) {
      ++ns.read_failures;
      ++read_failed;
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
                                 " over " + (source == core::Source::Netlink ? "netlink" : "/proc"));
    }
    if (!r.error || r.fell_back) ++read_ok;
    core::Snapshot& s = r.snapshot;
    const std::string crossed = s.entries ? record(live, now(), *s.entries, s.max_entries, &s) : std::string();
    // drop / insert_failed rising: packets are being lost now; take the
    // evidence while it is there.
    bool rising = false;
    for (auto c : {core::Counter::Drop, core::Counter::InsertFailed}) {
      const auto i = static_cast<std::size_t>(c);
      if (s.counters[i] && ns.last_counters[i] && *s.counters[i] > *ns.last_counters[i]) rising = true;
    }
    if (std::any_of(s.counters.begin(), s.counters.end(), [](const auto& c) { return c.has_value(); }))
      ns.last_counters = s.counters;
    if (rising) {
      const auto& cs = s.counters;
      auto v = [&](core::Counter c) { return std::to_string(cs[static_cast<std::size_t>(c)].value_or(0)); };
      std::string fill;
      if (s.entries && s.max_entries && *s.max_entries > 0)
        fill = " at " + fmt_percent(static_cast<double>(*s.entries), static_cast<double>(*s.max_entries)) + " full";
      evidence_census(live, "dropping packets (drop " + v(core::Counter::Drop) + ", insert_failed " +
                                v(core::Counter::InsertFailed) + " in total)" + fill);
    } else if (!crossed.empty()) {
      evidence_census(live, crossed);
    }
    {
      std::lock_guard<std::mutex> lk(live.data);
      if (live.pending) {
        s.census = std::move(live.pending);
        live.pending.reset();
        ns.next_census = t + cfg_.census_interval;
      }
    }
    out.push_back(NamespaceReport{ns.label, std::move(r.snapshot)});
  }
  health_.namespaces_sampled = read_ok;
  health_.namespaces_unsampled = unsampled_ + open_failed_ + read_failed;
  report_dir_changes();
  report_unsampled(t);
  run_censuses(out, t);
  // Self-health, after the censuses so a census of this read counts.
  const double t_end = now();
  std::unordered_map<std::string_view, const Tracked*> by_label;
  by_label.reserve(namespaces_.size());
  for (const auto& ns : namespaces_) by_label.emplace(ns.label, &ns);
  for (auto& rep : out) {
    const auto found = by_label.find(rep.label);
    if (found == by_label.end()) continue;
    const Tracked* it = found->second;
    rep.snapshot.read_failures = it->read_failures;
    if (!it->live || !census_enabled(*it)) continue;
    std::lock_guard<std::mutex> lk(it->live->data);
    rep.snapshot.census_age = it->live->last_census_at < 0 ? std::numeric_limits<double>::infinity()
                                                            : std::max(0.0, t_end - it->live->last_census_at);
  }
  return out;
}

void Monitor::run_censuses(std::vector<NamespaceReport>& out, double t) {
  if (!cfg_.census) return;
  std::vector<Tracked*> due;
  double total_cost = 0;
  for (auto& ns : namespaces_) {
    if (!ns.live || !census_enabled(ns)) continue;
    {
      std::lock_guard<std::mutex> io(ns.live->io);
      if (ns.live->sampler->source() != core::Source::Netlink) continue;
    }
    // A namespace whose stats just failed would fail its dump the same way,
    // after another Timeout and with a second log line for one fault.
    if (ns.read_complaint.failing()) continue;
    total_cost += ns.last_census_cpu;
    // Reads come every Interval with some jitter; without slack a census due
    // at t+30.01 would wait for the read after t+30 (measured: 40 s apart).
    if (ns.next_census <= t + kCensusSlackSeconds) due.push_back(&ns);
  }
  std::sort(due.begin(), due.end(), [](const Tracked* a, const Tracked* b) { return a->next_census < b->next_census; });
  std::lock_guard<std::mutex> census_lock(census_mu_);
  for (Tracked* ns : due) {
    const double start = now();
    if (!budget_.may_start(start, ns->last_census_cpu)) {
      // This one and every later one in the queue wait for the budget.
      health_.censuses_deferred += static_cast<std::uint64_t>(due.end() - std::find(due.begin(), due.end(), ns));
      if (!ns->throttled) {
        ns->throttled = true;
        log_(LogLevel::Info, "census of " + quoted(ns->label) + " is spaced out to fit CensusBudget: the last census cost " +
                                 fmt_seconds(ns->last_census_cpu) + " of CPU; next in about " +
                                 fmt_seconds(budget_.wait(start, ns->last_census_cpu)));
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
    {
      std::lock_guard<std::mutex> lk(ns->live->data);
      ns->live->last_census_at = end;
    }
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
