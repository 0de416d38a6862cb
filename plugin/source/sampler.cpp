// SPDX-License-Identifier: GPL-2.0-only
#include "source/sampler.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "core/proc.hpp"

namespace ctwatch::source {
namespace {

constexpr std::array<const char*, 8> kSysctlPaths{
    "/sys/net/netfilter/nf_conntrack_count",
    "/sys/net/netfilter/nf_conntrack_max",
    "/sys/net/netfilter/nf_conntrack_buckets",
    "/sys/net/netfilter/nf_conntrack_tcp_timeout_time_wait",
    "/sys/net/netfilter/nf_conntrack_tcp_timeout_established",
    "/sys/net/netfilter/nf_conntrack_udp_timeout",
    "/sys/net/netfilter/nf_conntrack_udp_timeout_stream",
    "/sys/net/ipv4/tcp_tw_reuse",
};

// Reads a small /proc file from offset 0 into `out`.
bool pread_all(int fd, std::string& out) {
  out.clear();
  char buf[4096];
  off_t off = 0;
  for (;;) {
    const ssize_t n = pread(fd, buf, sizeof buf, off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (n == 0) return true;
    out.append(buf, static_cast<std::size_t>(n));
    off += n;
    if (out.size() > (1u << 20)) return false;  // a /proc stat file is never this big
  }
}

// Tuning values change by hand, rarely: reading them once a minute costs
// one setns thread per extra namespace per minute instead of a descriptor
// per value held open (8 per namespace, which exhausted collectd's 1024
// with ~110 namespaces).
constexpr std::chrono::seconds kTunablesRefresh{60};

std::optional<std::uint64_t> read_uint_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string text;
  const bool ok = pread_all(fd, text);
  close(fd);
  if (!ok) return std::nullopt;
  return core::parse_proc_uint(text);
}

}  // namespace

bool netlink_refused(int code) {
  return code == EPERM || code == EACCES || code == EPROTONOSUPPORT || code == EOPNOTSUPP || code == EINVAL ||
         code == ENOENT;
}

NamespaceSampler::NamespaceSampler(std::string label, std::string path, const SamplerOptions& opt)
    : label_(std::move(label)), path_(std::move(path)), opt_(opt) {}

NamespaceSampler::~NamespaceSampler() = default;

core::Status NamespaceSampler::enter(const std::function<void()>& fn) {
  if (path_.empty()) {
    fn();
    return core::Ok{};
  }
  NsId id;
  auto s = run_in_netns(path_, id, fn);
  if (!s) return s;
  if (id_ != NsId{} && id != id_) return core::Error{ESTALE, path_ + " now names another namespace"};
  id_ = id;
  return core::Ok{};
}

core::Result<std::unique_ptr<NamespaceSampler>> NamespaceSampler::open(std::string label, std::string path,
                                                                       const SamplerOptions& opt) {
  std::unique_ptr<NamespaceSampler> s(new NamespaceSampler(std::move(label), std::move(path), opt));
  if (s->path_.empty()) {
    if (auto id = ns_id_of(opt.proc_root + "/self/ns/net")) s->id_ = *id;
  }
  core::Result<std::unique_ptr<Transport>> transport = core::Error{0, ""};
  const bool want_netlink = opt.mode != core::SourceMode::Proc;
  auto st = s->enter([&] {
    if (want_netlink) transport = source::open_netlink(opt.timeout);
  });
  if (!st) return st.error();
  if (!want_netlink) {
    s->source_ = core::Source::Proc;
  } else if (transport) {
    s->nl_ = std::make_unique<NetlinkClient>(std::move(*transport));
  } else if (opt.mode == core::SourceMode::Auto && netlink_refused(transport.error().code)) {
    s->source_ = core::Source::Proc;
  } else {
    return transport.error();
  }
  return s;
}

bool NamespaceSampler::still_same() const {
  if (path_.empty()) return true;
  auto id = ns_id_of(path_);
  return id && *id == id_;
}

std::chrono::steady_clock::time_point NamespaceSampler::deadline() const {
  return std::chrono::steady_clock::now() +
         std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(opt_.timeout));
}

core::Status NamespaceSampler::reopen_netlink() {
  core::Result<std::unique_ptr<Transport>> t = core::Error{0, ""};
  auto st = enter([&] { t = source::open_netlink(opt_.timeout); });
  if (!st) return st;
  if (!t) return t.error();
  nl_ = std::make_unique<NetlinkClient>(std::move(*t));
  return core::Ok{};
}

core::Status NamespaceSampler::read_files(const std::array<bool, kSysctlCount>& want, Sysctls& out, std::string* stat,
                                          int& stat_errno) {
  // /proc/net is /proc/self/net: the namespace of collectd's main thread,
  // which never changes. Inside a setns thread, thread-self is the one.
  const std::string stat_file =
      opt_.proc_root + (path_.empty() ? "/net/stat/nf_conntrack" : "/thread-self/net/stat/nf_conntrack");
  stat_errno = 0;
  return enter([&] {
    for (std::size_t i = 0; i < kSysctlCount; ++i)
      if (want[i]) out[i] = read_uint_file(opt_.proc_root + kSysctlPaths[i]);
    if (!stat) return;
    const int fd = ::open(stat_file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      stat_errno = errno;
      return;
    }
    if (!pread_all(fd, *stat)) stat_errno = errno ? errno : EIO;
    close(fd);
  });
}

SampleResult NamespaceSampler::sample() {
  SampleResult r;
  core::Snapshot& s = r.snapshot;
  s.source = source_;  // a failed read still says which source failed
  if (source_ == core::Source::Netlink) {
    core::Status ok = core::Ok{};
    if (!nl_ || nl_->broken()) ok = reopen_netlink();
    if (ok) {
      // One deadline for both requests: a read of this namespace never
      // blocks longer than Timeout in total.
      const auto dl = deadline();
      auto g = nl_->stats(dl);
      if (g) {
        s.entries = g->entries;
        s.max_entries = g->max_entries;
        auto cpus = nl_->stats_cpu(dl);
        if (cpus) {
          counters_.update(*cpus);
          s.counters = counters_.totals();
        } else {
          r.error = cpus.error();
        }
      } else {
        ok = g.error();
      }
    }
    if (!ok) {
      if (opt_.mode == core::SourceMode::Auto && netlink_refused(ok.error().code)) {
        nl_.reset();
        source_ = core::Source::Proc;
        // Counters restart from the /proc values: a different source is a
        // different counter, and the DERIVE reset is what Prometheus expects.
        counters_ = core::CounterAccumulator{};
        r.fell_back = true;
        r.error = ok.error();
      } else {
        r.error = ok.error();
        return r;
      }
    }
  }
  // One pass over the files this read needs, inside the namespace.
  std::array<bool, kSysctlCount> want{};
  const bool proc = source_ == core::Source::Proc;
  const auto now = std::chrono::steady_clock::now();
  const bool refresh = now >= tunables_due_;
  want[kCount] = proc;
  // CTA_STATS_GLOBAL_MAX_ENTRIES exists since 4.18; older kernels: sysctl.
  want[kMax] = proc || !s.max_entries;
  for (std::size_t i = kBuckets; i < kSysctlCount; ++i) want[i] = refresh;
  Sysctls fresh{};
  std::string stat_text;
  int stat_errno = 0;
  if (std::any_of(want.begin(), want.end(), [](bool b) { return b; }) || proc) {
    if (auto st = read_files(want, fresh, proc ? &stat_text : nullptr, stat_errno); !st) {
      r.error = st.error();
      return r;
    }
  }
  if (refresh) {
    for (std::size_t i = kBuckets; i < kSysctlCount; ++i) tunables_[i] = fresh[i];
    tunables_due_ = now + kTunablesRefresh;
  }
  if (proc) {
    s.source = core::Source::Proc;
    s.entries = fresh[kCount];
    if (!s.entries) {
      r.error = core::Error{ENOENT, "conntrack is not loaded in this namespace (no readable " + opt_.proc_root +
                                        kSysctlPaths[kCount] + ")"};
      return r;
    }
    if (stat_errno) {
      r.error = core::Error{stat_errno, "cannot read " + opt_.proc_root + "/net/stat/nf_conntrack"};
    } else if (auto cpus = core::parse_proc_stat(stat_text)) {
      counters_.update(*cpus);
      s.counters = counters_.totals();
    } else {
      r.error = core::Error{EPROTO, "cannot parse " + opt_.proc_root + "/net/stat/nf_conntrack"};
    }
  }
  if (!s.max_entries) s.max_entries = fresh[kMax];
  s.tunable(core::Tunable::Buckets) = tunables_[kBuckets];
  s.tunable(core::Tunable::TcpTimeoutTimeWait) = tunables_[kTimeWait];
  s.tunable(core::Tunable::TcpTimeoutEstablished) = tunables_[kEstablished];
  s.tunable(core::Tunable::UdpTimeout) = tunables_[kUdp];
  s.tunable(core::Tunable::UdpTimeoutStream) = tunables_[kUdpStream];
  s.tunable(core::Tunable::TcpTwReuse) = tunables_[kTwReuse];
  return r;
}

core::Result<core::GlobalStats> NamespaceSampler::count() {
  if (source_ == core::Source::Netlink) {
    if (!nl_ || nl_->broken()) return core::Error{ENOTCONN, "netlink socket not open yet"};
    return nl_->stats(deadline());
  }
  auto narrow = [](std::optional<std::uint64_t> v) -> std::optional<std::uint32_t> {
    if (!v || *v > UINT32_MAX) return std::nullopt;
    return static_cast<std::uint32_t>(*v);
  };
  std::array<bool, kSysctlCount> want{};
  want[kCount] = want[kMax] = true;
  Sysctls fresh{};
  int unused = 0;
  if (auto st = read_files(want, fresh, nullptr, unused); !st) return st.error();
  core::GlobalStats g;
  g.entries = narrow(fresh[kCount]);
  g.max_entries = narrow(fresh[kMax]);
  if (!g.entries) return core::Error{ENOENT, "no readable nf_conntrack_count"};
  return g;
}

core::Result<core::Census> NamespaceSampler::census(std::chrono::steady_clock::time_point deadline,
                                                    core::PeerTally* peers) {
  if (source_ != core::Source::Netlink)
    return core::Error{EOPNOTSUPP, "no census: netlink is not available (using /proc)"};
  if (!nl_ || nl_->broken()) {
    if (auto ok = reopen_netlink(); !ok) return ok.error();
  }
  return nl_->census(deadline, peers);
}

}  // namespace ctwatch::source
