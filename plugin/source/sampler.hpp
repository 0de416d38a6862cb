// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// NamespaceSampler: everything ctwatch reads from one network namespace.
//
//  - netlink: GET_STATS (entries, max) and GET_STATS_CPU (counters) every
//    read, GET dump for the census when the Monitor asks for one;
//  - /proc/sys files: tuning values, read every kTunablesRefresh seconds
//    (they change by hand, rarely), count and max in the fallback every
//    read; each opened, read and closed inside the namespace, so a sampler
//    holds one descriptor, its netlink socket, whatever it reads. (That
//    socket keeps a deleted namespace alive, which is why the Monitor closes
//    the whole sampler once its path names another namespace.);
//  - /proc/net/stat/nf_conntrack in the fallback, likewise per read (a
//    seq_file opened with seq_open_net() holds a reference on the namespace).
//
// Source::Netlink is preferred; with SourceMode::Auto a refusal (EPERM
// without CAP_NET_ADMIN, EPROTONOSUPPORT without nfnetlink, EOPNOTSUPP /
// EINVAL without ctnetlink) switches this namespace to the /proc fallback for
// good, which has no census.

#include <array>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "core/config.hpp"
#include "core/counters.hpp"
#include "core/snapshot.hpp"
#include "source/log.hpp"
#include "source/netlink_client.hpp"
#include "source/netns.hpp"

namespace ctwatch::source {

struct SamplerOptions {
  core::SourceMode mode = core::SourceMode::Auto;
  double timeout = 2;               // seconds, bounds every kernel call
  std::string proc_root = "/proc";  // tests point this at tests/data/proc
};

struct SampleResult {
  core::Snapshot snapshot;
  std::optional<core::Error> error;  // what went wrong, if anything
  bool fell_back = false;            // this read switched the namespace to /proc
};

class NamespaceSampler {
 public:
  // path empty: the namespace of the calling thread, without setns.
  static core::Result<std::unique_ptr<NamespaceSampler>> open(std::string label, std::string path,
                                                              const SamplerOptions& opt);
  ~NamespaceSampler();
  NamespaceSampler(const NamespaceSampler&) = delete;
  NamespaceSampler& operator=(const NamespaceSampler&) = delete;

  const std::string& label() const noexcept { return label_; }
  const std::string& path() const noexcept { return path_; }
  core::Source source() const noexcept { return source_; }
  NsId id() const noexcept { return id_; }

  // True while path() still resolves to the namespace that was opened.
  bool still_same() const;

  SampleResult sample();
  // Entries and max only: GET_STATS, or the two sysctls on /proc. The fast
  // sampler's read every StatsInterval (~4 us). It never reopens a broken
  // socket (that needs a setns thread): the next sample() does.
  core::Result<core::GlobalStats> count();
  // One census over netlink, counting peers into `peers` when given (see
  // NetlinkClient::census). Error when the namespace is on /proc.
  core::Result<core::Census> census(std::chrono::steady_clock::time_point deadline, core::PeerTally* peers = nullptr);

 private:
  enum Sysctl : std::size_t {
    kCount,
    kMax,
    kBuckets,
    kTimeWait,
    kEstablished,
    kUdp,
    kUdpStream,
    kTwReuse,
    kSysctlCount
  };
  NamespaceSampler(std::string label, std::string path, const SamplerOptions& opt);
  core::Status enter(const std::function<void()>& fn);
  core::Status reopen_netlink();
  using Sysctls = std::array<std::optional<std::uint64_t>, kSysctlCount>;
  // Reads the sysctls flagged in `want` (and the stat file when `stat`)
  // from inside the namespace: open, read, close.
  core::Status read_files(const std::array<bool, kSysctlCount>& want, Sysctls& out, std::string* stat, int& stat_errno);
  std::chrono::steady_clock::time_point deadline() const;

  std::string label_;
  std::string path_;
  SamplerOptions opt_;
  NsId id_{};
  core::Source source_ = core::Source::Netlink;
  std::unique_ptr<NetlinkClient> nl_;
  Sysctls tunables_{};                                    // the last refresh
  std::chrono::steady_clock::time_point tunables_due_{};  // next refresh
  core::CounterAccumulator counters_;
};

// Errnos that mean "netlink is not available to us" rather than "it failed".
bool netlink_refused(int code);

}  // namespace ctwatch::source
