// SPDX-License-Identifier: GPL-2.0-only
#include "source/monitor.hpp"

#include <algorithm>
#include <limits>
#include <string_view>
#include <unordered_map>

#include "core/page_policy.hpp"

namespace ctwatch::source {

SamplerOptions Monitor::sampler_options(const core::Config& cfg, std::string proc_root) {
  SamplerOptions opt;
  opt.mode = cfg.source;
  opt.timeout = cfg.timeout;
  opt.proc_root = std::move(proc_root);
  return opt;
}

Monitor::Monitor(core::Config cfg, LogFn log, std::string proc_root)
    : cfg_(std::move(cfg)),
      log_(std::move(log)),
      set_(cfg_, sampler_options(cfg_, std::move(proc_root)), log_),
      census_(cfg_, log_, clock_),
      fast_(cfg_.stats_interval, log_, set_, clock_, [this](LiveNamespace& live, const FillObservation& o) {
        // The page first (it leaves now), then the evidence census.
        page_sample(live, o, std::nullopt);
        if (o.page.crossed) {
          census_.evidence(live, o.crossed_reason);
          page_evidence(live);
        }
      }) {}

void Monitor::page_sample(const LiveNamespace& live, const FillObservation& o, std::optional<std::uint64_t> peak) {
  if (!pages_.enabled() || !o.max_entries) return;
  core::PageSample p;
  p.t = o.t;
  p.entries = o.entries;
  p.max = *o.max_entries;
  p.peak = peak;
  p.seconds_to_full = o.seconds_to_full;
  pages_.on_sample(live.label, p);
}

void Monitor::page_evidence(LiveNamespace& live) {
  if (!pages_.enabled()) return;
  std::string summary;
  {
    std::lock_guard<std::mutex> lk(live.data);
    if (live.pending) summary = core::describe_census(live.pending->census);
  }
  if (!summary.empty()) pages_.on_evidence(live.label, std::move(summary));
}

Monitor::~Monitor() { stop(); }

void Monitor::read_one(TrackedNamespace& ns, double t, std::size_t& ok, std::size_t& failed,
                       std::vector<NamespaceReport>& out) {
  if (set_.ensure_open(ns, t)) {
    ns.census.next = t;
    // NamespaceDir entries are announced together (NamespaceSet), a
    // reopened one (its path re-pointed) not again.
    ns.announced = ns.from_dir;
    ns.last_counters = {};
  }
  if (!ns.live) return;
  LiveNamespace& live = *ns.live;
  SampleResult r;
  core::Source source;
  {
    std::lock_guard<std::mutex> io(live.io);
    r = live.sampler->sample();
    source = live.sampler->source();
  }
  const std::string name = core::quoted_namespace(ns.label);
  if (r.fell_back) {
    log_(LogLevel::Notice, with_errno(name + ": ctnetlink refused (" + r.error->message + ")", r.error->code) +
                               "; falling back to /proc/sys and /proc/net/stat/nf_conntrack: no census, "
                               "no per-state or per-protocol totals (CAP_NET_ADMIN is needed for those)");
  } else if (r.error) {
    ++ns.read_failures;
    ++failed;
    if (ns.read_complaint.failure(t))
      log_(LogLevel::Warning, with_errno(name + ": " + r.error->message, r.error->code));
  } else if (ns.read_complaint.success()) {
    log_(LogLevel::Info, name + ": reading works again");
  }
  // Announced after the first read, so the line names the source really
  // in use (a refused netlink socket only shows on its first request).
  if (!ns.announced) {
    ns.announced = true;
    if (!r.fell_back)
      log_(LogLevel::Info, "sampling " + name + (ns.path.empty() ? "" : " (" + ns.path + ")") + " over " +
                               (source == core::Source::Netlink ? "netlink" : "/proc"));
  }
  if (!r.error || r.fell_back) ++ok;
  core::Snapshot& s = r.snapshot;
  std::string crossed;
  if (s.entries) {
    const FillObservation o = live.record(clock_.now(), *s.entries, s.max_entries, &s);
    crossed = o.crossed_reason;
    page_sample(live, o, s.peak_entries);
  }
  if (pages_.enabled())
    pages_.on_counters(ns.label, clock_.now(), s.counters[static_cast<std::size_t>(core::Counter::Drop)],
                       s.counters[static_cast<std::size_t>(core::Counter::InsertFailed)]);
  // drop / insert_failed rising: packets are being lost now; take the
  // evidence while it is there.
  const bool rising = core::drops_rising(ns.last_counters, s.counters);
  if (std::any_of(s.counters.begin(), s.counters.end(), [](const auto& c) { return c.has_value(); }))
    ns.last_counters = s.counters;
  if (rising) census_.evidence(live, core::describe_drops(s.counters, s.entries, s.max_entries));
  else if (!crossed.empty()) census_.evidence(live, crossed);
  if (rising || !crossed.empty()) page_evidence(live);
  {
    std::lock_guard<std::mutex> lk(live.data);
    if (live.pending) {
      s.census = std::move(live.pending);
      live.pending.reset();
      ns.census.next = t + cfg_.census_interval;
    }
  }
  out.push_back(NamespaceReport{ns.label, std::move(r.snapshot)});
}

std::vector<NamespaceReport> Monitor::read() {
  const double t = clock_.now();
  set_.refresh(t);
  set_.begin_read();
  std::size_t read_ok = 0, read_failed = 0;
  std::vector<NamespaceReport> out;
  for (auto& ns : set_.all()) read_one(ns, t, read_ok, read_failed, out);
  health_.namespaces_sampled = read_ok;
  health_.namespaces_unsampled = set_.unopened() + read_failed;
  set_.end_read(t);
  census_.run(set_.all(), out, t);
  health_.censuses_deferred = census_.deferred();
  if (pages_.enabled()) {
    std::vector<std::string> labels;
    for (const auto& rep : out) {
      labels.push_back(rep.label);
      if (rep.snapshot.census) pages_.on_evidence(rep.label, core::describe_census(rep.snapshot.census->census));
    }
    pages_.retain(labels);
  }
  fill_self_health(out);
  return out;
}

// Self-health, after the censuses so a census of this read counts.
void Monitor::fill_self_health(std::vector<NamespaceReport>& out) {
  const double t_end = clock_.now();
  std::unordered_map<std::string_view, const TrackedNamespace*> by_label;
  by_label.reserve(set_.all().size());
  for (const auto& ns : set_.all()) by_label.emplace(ns.label, &ns);
  for (auto& rep : out) {
    const auto found = by_label.find(rep.label);
    if (found == by_label.end()) continue;
    const TrackedNamespace* it = found->second;
    rep.snapshot.read_failures = it->read_failures;
    if (!it->live || !it->live->census_enabled) continue;
    std::lock_guard<std::mutex> lk(it->live->data);
    rep.snapshot.census_age = it->live->last_census_at < 0 ? std::numeric_limits<double>::infinity()
                                                           : std::max(0.0, t_end - it->live->last_census_at);
  }
}

}  // namespace ctwatch::source
