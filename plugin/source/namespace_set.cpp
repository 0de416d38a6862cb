// SPDX-License-Identifier: GPL-2.0-only
#include "source/namespace_set.hpp"

#include <dirent.h>
#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>

namespace ctwatch::source {

NamespaceSet::NamespaceSet(const core::Config& cfg, SamplerOptions opt, LogFn log)
    : cfg_(cfg), opt_(std::move(opt)), log_(std::move(log)) {
  // Without the fast sampler the trend sees one sample per read; collectd's
  // default Interval is 10 s.
  trend_opt_.sample_interval = cfg_.stats_interval > 0 ? cfg_.stats_interval : 10;
  max_namespaces_ = cfg_.max_namespaces;
  if (max_namespaces_ == 0) {
    rlimit rl{};
    const rlim_t soft = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY ? rl.rlim_cur : 1024;
    max_namespaces_ = std::max<std::size_t>(1, static_cast<std::size_t>(soft) / 2);
  }
  namespaces_.push_back(TrackedNamespace{std::string(core::kHostLabel), "", false});
  for (const auto& n : cfg_.namespaces) namespaces_.push_back(TrackedNamespace{n.name, n.path, false});
}

std::vector<std::shared_ptr<LiveNamespace>> NamespaceSet::live() const {
  std::lock_guard<std::mutex> lk(list_mu_);
  std::vector<std::shared_ptr<LiveNamespace>> out;
  for (const auto& ns : namespaces_)
    if (ns.live) out.push_back(ns.live);
  return out;
}

void NamespaceSet::begin_read() {
  unsampled_ = 0;
  open_failed_ = 0;
  // Counted once per read, then kept up to date by ensure_open: a count per
  // namespace would make a read of N namespaces O(N^2).
  extra_open_ = static_cast<std::size_t>(std::count_if(
      namespaces_.begin(), namespaces_.end(), [](const TrackedNamespace& x) { return x.live && !x.path.empty(); }));
  fd_exhausted_ = false;
}

void NamespaceSet::end_read(double t) {
  report_dir_changes();
  report_unsampled(t);
}

void NamespaceSet::refresh(double t) {
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
      if (ns.from_dir && !replaced) dir_gone_.push_back(ns.label);
      else
        log_(LogLevel::Info, core::quoted_namespace(ns.label) + " (" + ns.path +
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
  std::erase_if(namespaces_, [&](const TrackedNamespace& ns) {
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
                                   [&](const TrackedNamespace& ns) { return ns.label == name; });
    if (known || bad_dir_names_.count(name)) continue;
    if (!core::valid_namespace_label(name)) {
      bad_dir_names_.insert(name);
      log_(LogLevel::Warning, "NamespaceDir: skipping \"" + dir + "/" + name +
                                  "\": the name is not a usable label (1-63 of [A-Za-z0-9_.-], not \"host\")");
      continue;
    }
    namespaces_.push_back(TrackedNamespace{name, dir + "/" + name, true});
  }
}

bool NamespaceSet::ensure_open(TrackedNamespace& ns, double t) {
  if (ns.live) return false;
  if (!ns.path.empty()) {
    // One descriptor per open namespace: never more than MaxNamespaces, and
    // none after the process ran out this read (collectd's other plugins
    // need theirs). Reported once for all, by report_unsampled().
    if (extra_open_ >= max_namespaces_ || fd_exhausted_) {
      if (unsampled_++ == 0) unsampled_example_ = ns.label;
      return false;
    }
  }
  auto s = NamespaceSampler::open(ns.label, ns.path, opt_);
  if (!s && (s.error().code == EMFILE || s.error().code == ENFILE)) {
    fd_exhausted_ = true;
    if (unsampled_++ == 0) unsampled_example_ = ns.label;
    return false;
  }
  if (!s) {
    ++open_failed_;
    if (ns.open_complaint.failure(t))
      log_(LogLevel::Warning, with_errno(core::quoted_namespace(ns.label) + ": " + s.error().message, s.error().code) +
                                  "; retrying every interval");
    return false;
  }
  auto live = std::make_shared<LiveNamespace>();
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
  if (ns.from_dir && !ns.seen_open) dir_added_.push_back(ns.label);
  ns.seen_open = true;
  return true;
}

void NamespaceSet::report_dir_changes() {
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

void NamespaceSet::report_unsampled(double t) {
  if (unsampled_ == 0) {
    if (limit_complaint_.success()) log_(LogLevel::Info, "every namespace is sampled again");
    return;
  }
  if (!limit_complaint_.failure(t)) return;
  char why[160];
  if (fd_exhausted_) std::snprintf(why, sizeof why, "the process ran out of file descriptors (EMFILE/ENFILE)");
  else
    std::snprintf(why, sizeof why, "MaxNamespaces %zu%s is reached (one descriptor each)", max_namespaces_,
                  cfg_.max_namespaces ? "" : " (half of collectd's open-file limit)");
  log_(LogLevel::Warning, std::to_string(unsampled_) + " namespace(s) not sampled, e.g. " +
                              core::quoted_namespace(unsampled_example_) + ": " + why +
                              "; raise collectd's LimitNOFILE or MaxNamespaces");
}

bool NamespaceSet::census_enabled(const TrackedNamespace& ns) const {
  // A dump in any namespace walks the whole host hash table, so extra
  // namespaces are censused only on request (NamespaceCensus).
  return cfg_.census && (ns.path.empty() || cfg_.namespace_census);
}

std::vector<std::string> NamespaceSet::labels() const {
  std::lock_guard<std::mutex> lk(list_mu_);
  std::vector<std::string> out;
  for (const auto& n : namespaces_)
    if (n.live) out.push_back(n.label);
  return out;
}

}  // namespace ctwatch::source
