// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// NamespaceSet: which namespaces ctwatch samples, and their open sockets.
//
// Namespaces come from the configuration (the host, then each Namespace)
// and from a directory rescanned at every read (NamespaceDir). One whose
// path no longer names the namespace that was opened is closed at once, so
// ctwatch never keeps a deleted namespace alive. One descriptor per open
// namespace: never more than MaxNamespaces (default: half of the open-file
// limit) besides the host, and none more once the process met EMFILE or
// ENFILE in a read. What could not be opened is counted as unsampled and
// logged in one rate-limited line; NamespaceDir changes of one read are
// logged as one line (a node with pod churn would otherwise log a line per
// pod).
//
// Thread context: everything but live() and labels() runs on the read
// thread only. list_mu_ guards only the shape of the list (which entries,
// and which are open), for those two.

#include <cstddef>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "core/complainer.hpp"
#include "core/config.hpp"
#include "source/log.hpp"
#include "source/namespace_state.hpp"
#include "source/sampler.hpp"

namespace ctwatch::source {

class NamespaceSet {
 public:
  NamespaceSet(const core::Config& cfg, SamplerOptions opt, LogFn log);

  // Closes namespaces whose path changed, then rescans NamespaceDir.
  void refresh(double t);
  // Starts a read's accounting of what could not be opened.
  void begin_read();
  // Opens `ns` when it is not open (within the limits). True when it was
  // opened now; the caller resets its own per-open state then.
  bool ensure_open(TrackedNamespace& ns, double t);
  // Ends the read: logs the NamespaceDir changes and the unsampled line.
  void end_read(double t);

  // Host first, then configured, then from NamespaceDir. Read thread only.
  std::vector<TrackedNamespace>& all() noexcept { return namespaces_; }
  // Known but not opened this read (limit, EMFILE, or another open error).
  std::size_t unopened() const noexcept { return unsampled_ + open_failed_; }

  // The open namespaces; any thread.
  std::vector<std::shared_ptr<LiveNamespace>> live() const;
  std::vector<std::string> labels() const;

 private:
  bool census_enabled(const TrackedNamespace& ns) const;
  void report_dir_changes();
  void report_unsampled(double t);

  const core::Config& cfg_;
  SamplerOptions opt_;
  LogFn log_;
  core::FillTrendOptions trend_opt_;
  std::vector<TrackedNamespace> namespaces_;
  mutable std::mutex list_mu_;
  std::set<std::string> bad_dir_names_;
  std::size_t max_namespaces_ = 0;  // extra namespaces open at once, at most
  std::size_t unsampled_ = 0;       // namespaces not opened this read (limit or EMFILE)
  std::size_t open_failed_ = 0;     // namespaces whose open failed otherwise this read
  std::size_t extra_open_ = 0;      // namespaces other than the host open now
  std::string unsampled_example_;
  bool fd_exhausted_ = false;  // this read met EMFILE / ENFILE
  core::Complainer limit_complaint_;
  std::vector<std::string> dir_added_, dir_gone_;
  core::Complainer dir_complaint_;
};

}  // namespace ctwatch::source
