// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// One sample of one network namespace's conntrack table. Every field is
// optional: absent means "the kernel did not tell us", never zero.

#include <array>
#include <cstdint>
#include <optional>

#include "core/census.hpp"
#include "core/counters.hpp"

namespace ctwatch::core {

enum class Source : std::uint8_t { Netlink, Proc };

// Tuning values read from /proc/sys as seen from the sampled namespace.
enum class Tunable : std::uint8_t {
  Buckets,                 // net.netfilter.nf_conntrack_buckets
  TcpTimeoutTimeWait,      // net.netfilter.nf_conntrack_tcp_timeout_time_wait (s)
  TcpTimeoutEstablished,   // net.netfilter.nf_conntrack_tcp_timeout_established (s)
  UdpTimeout,              // net.netfilter.nf_conntrack_udp_timeout (s)
  UdpTimeoutStream,        // net.netfilter.nf_conntrack_udp_timeout_stream (s)
  TcpTwReuse,              // net.ipv4.tcp_tw_reuse (0, 1, 2)
};
inline constexpr std::size_t kTunableCount = 6;

struct CensusSample {
  Census census;
  double wall_seconds = 0;      // how long the dump took
  double interval_seconds = 0;  // how long until the next census is expected
};

struct Snapshot {
  Source source = Source::Netlink;
  std::optional<std::uint64_t> entries;
  std::optional<std::uint64_t> max_entries;
  // From the fast sampler (Monitor, StatsInterval): the largest entry count
  // seen since the previous read, this read's own included, and the
  // FillTrend estimate of seconds until the table is full (+infinity when
  // it is not growing; absent until there are enough samples).
  std::optional<std::uint64_t> peak_entries;
  std::optional<double> seconds_to_full;
  CounterTotals counters{};
  std::array<std::optional<std::uint64_t>, kTunableCount> tunables{};
  std::optional<CensusSample> census;  // only in the read that took a census
  // Self-health (the Monitor's, not the kernel's): reads of this namespace
  // that failed, since ctwatch started (monotonic); and where a census is
  // expected (Census, and NamespaceCensus for extra namespaces), seconds
  // since the census whose values are exported was taken, +infinity while
  // none ever succeeded (ctnetlink refused, dumps failing). Absent where no
  // census runs by configuration.
  std::uint64_t read_failures = 0;
  std::optional<double> census_age;

  std::optional<std::uint64_t>& tunable(Tunable t) { return tunables[static_cast<std::size_t>(t)]; }
  const std::optional<std::uint64_t>& tunable(Tunable t) const {
    return tunables[static_cast<std::size_t>(t)];
  }
};

}  // namespace ctwatch::core
