// SPDX-License-Identifier: GPL-2.0-only
#include "source/sampler.hpp"

#include <fcntl.h>
#include <unistd.h>

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

}  // namespace

bool netlink_refused(int code) {
  return code == EPERM || code == EACCES || code == EPROTONOSUPPORT || code == EOPNOTSUPP ||
         code == EINVAL || code == ENOENT;
}

NamespaceSampler::NamespaceSampler(std::string label, std::string path, const SamplerOptions& opt)
    : label_(std::move(label)), path_(std::move(path)), opt_(opt) {
  fds_.fill(-1);
}

NamespaceSampler::~NamespaceSampler() {
  for (int fd : fds_)
    if (fd >= 0) close(fd);
}

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

core::Result<std::unique_ptr<NamespaceSampler>> NamespaceSampler::open(std::string label,
                                                                       std::string path,
                                                                       const SamplerOptions& opt) {
  std::unique_ptr<NamespaceSampler> s(new NamespaceSampler(std::move(label), std::move(path), opt));
  if (s->path_.empty()) {
    if (auto id = ns_id_of(opt.proc_root + "/self/ns/net")) s->id_ = *id;
  }
  core::Result<std::unique_ptr<Transport>> transport = core::Error{0, ""};
  const bool want_netlink = opt.mode != core::SourceMode::Proc;
  auto st = s->enter([&] {
    for (std::size_t i = 0; i < kSysctlCount; ++i)
      s->fds_[i] = ::open((opt.proc_root + kSysctlPaths[i]).c_str(), O_RDONLY | O_CLOEXEC);
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
         std::chrono::duration_cast<std::chrono::steady_clock::duration>(
             std::chrono::duration<double>(opt_.timeout));
}

core::Status NamespaceSampler::reopen_netlink() {
  core::Result<std::unique_ptr<Transport>> t = core::Error{0, ""};
  auto st = enter([&] { t = source::open_netlink(opt_.timeout); });
  if (!st) return st;
  if (!t) return t.error();
  nl_ = std::make_unique<NetlinkClient>(std::move(*t));
  return core::Ok{};
}

std::optional<std::uint64_t> NamespaceSampler::read_sysctl(Sysctl s) const {
  if (fds_[s] < 0) return std::nullopt;
  std::string text;
  if (!pread_all(fds_[s], text)) return std::nullopt;
  return core::parse_proc_uint(text);
}

core::Result<std::string> NamespaceSampler::read_proc_stat() {
  std::string text;
  int err = 0;
  const bool self = path_.empty();
  // /proc/net is /proc/self/net: the namespace of collectd's main thread,
  // which never changes. Inside a setns thread, thread-self is the one.
  const std::string file = opt_.proc_root + (self ? "/net/stat/nf_conntrack" : "/thread-self/net/stat/nf_conntrack");
  auto st = enter([&] {
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      err = errno;
      return;
    }
    if (!pread_all(fd, text)) err = errno ? errno : EIO;
    close(fd);
  });
  if (!st) return st.error();
  if (err) return core::Error{err, "cannot read " + file};
  return text;
}

SampleResult NamespaceSampler::sample() {
  SampleResult r;
  core::Snapshot& s = r.snapshot;
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
  if (source_ == core::Source::Proc) {
    s.source = core::Source::Proc;
    s.entries = read_sysctl(kCount);
    if (!s.entries) {
      r.error = core::Error{ENOENT, "conntrack is not loaded in this namespace (no readable " +
                                        opt_.proc_root + kSysctlPaths[kCount] + ")"};
      return r;
    }
    auto text = read_proc_stat();
    if (!text) {
      r.error = text.error();
    } else if (auto cpus = core::parse_proc_stat(*text)) {
      counters_.update(*cpus);
      s.counters = counters_.totals();
    } else {
      r.error = core::Error{EPROTO, "cannot parse " + opt_.proc_root + "/net/stat/nf_conntrack"};
    }
  }
  // CTA_STATS_GLOBAL_MAX_ENTRIES exists since 4.18; older kernels: sysctl.
  if (!s.max_entries) s.max_entries = read_sysctl(kMax);
  s.tunable(core::Tunable::Buckets) = read_sysctl(kBuckets);
  s.tunable(core::Tunable::TcpTimeoutTimeWait) = read_sysctl(kTimeWait);
  s.tunable(core::Tunable::TcpTimeoutEstablished) = read_sysctl(kEstablished);
  s.tunable(core::Tunable::UdpTimeout) = read_sysctl(kUdp);
  s.tunable(core::Tunable::UdpTimeoutStream) = read_sysctl(kUdpStream);
  s.tunable(core::Tunable::TcpTwReuse) = read_sysctl(kTwReuse);
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
  core::GlobalStats g;
  g.entries = narrow(read_sysctl(kCount));
  g.max_entries = narrow(read_sysctl(kMax));
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
