// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// What `ctwatch` shows, as data: the Report (samples the caller took), and
// the values derived from it that both the findings (cli/findings.hpp) and
// the renderers (cli/render.hpp) use. Pure: unit-tested without a kernel.
//
// Absent is not zero, as everywhere in ctwatch: a value the kernel did not
// give is left out of the text and is null in the JSON.

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "core/census.hpp"
#include "core/counters.hpp"
#include "core/memory_fit.hpp"
#include "core/result.hpp"
#include "core/sizing.hpp"
#include "core/snapshot.hpp"

namespace ctwatch::cli {

struct Report {
  std::string netns;        // as given to --netns; empty: ctwatch's own namespace
  std::string netns_path;   // the path entered; empty: ctwatch's own namespace
  core::Snapshot snapshot;  // the last sample (entries, max, counters, tunables)
  // With --interval: the counters of the first sample and the seconds
  // between the two samples, so rates = (last - first) / interval_seconds.
  std::optional<core::CounterTotals> first_counters;
  double interval_seconds = 0;
  std::optional<core::Census> census;  // with top_peers when --top > 0
  double census_seconds = 0;           // wall time of the dump
  std::size_t top = 0;
  // Largest entry count seen (both samples and the census); the sizing's peak.
  std::optional<std::uint64_t> peak_entries;
  // Per-entry kernel memory: the nf_conntrack slab's object, and where it
  // was read ("/sys/kernel/slab/nf_conntrack/slab_size", ...).
  std::optional<std::uint64_t> entry_bytes;
  std::string entry_bytes_source;
  std::optional<double> hold_seconds;  // --hold; default the TIME_WAIT timeout
  std::optional<double> plan_rate;     // --rate: planning, no live table
  // ctnetlink refused and the values come from /proc (snapshot.source is
  // Proc): the refusal, for the one line saying what is missing (EPERM:
  // CAP_NET_ADMIN). No census then.
  std::optional<core::Error> netlink_refused;
  std::optional<std::uint64_t> mem_total;  // MemTotal of /proc/meminfo, bytes
};

// Whether sizing(r) fits this machine's memory; nullopt without a sizing or
// without MemTotal.
std::optional<core::MemoryFit> memory_fit(const Report& r);

// The sizing for this report: the observed peak and, with --interval, the
// insert rate; or --rate. nullopt when there is nothing to size from.
std::optional<core::Sizing> sizing(const Report& r);

// A counter's total in `t`; nullopt when the kernel did not give it.
std::optional<std::uint64_t> counter(const core::CounterTotals& t, core::Counter c);
// Rise of a counter over --interval; nullopt without --interval, when either
// sample lacks it, or when it went down.
std::optional<std::uint64_t> delta(const Report& r, core::Counter c);
// entries / max in percent; nullopt unless both are known and max > 0.
std::optional<double> fill_percent(const core::Snapshot& s);

// The counters in the order the text and the JSON list them.
inline constexpr std::array<core::Counter, core::kCounterCount> kCounterOrder{
    core::Counter::Drop,          core::Counter::EarlyDrop,    core::Counter::InsertFailed, core::Counter::Invalid,
    core::Counter::Error,         core::Counter::ChainTooLong, core::Counter::Found,        core::Counter::Insert,
    core::Counter::SearchRestart, core::Counter::ClashResolve};

// The tunables shown, in order, with their sysctl names and units.
struct TunableRow {
  core::Tunable t;
  const char* name;
  const char* unit;
};
inline constexpr std::array<TunableRow, core::kTunableCount> kTunables{{
    {core::Tunable::Buckets, "nf_conntrack_buckets", ""},
    {core::Tunable::TcpTimeoutTimeWait, "nf_conntrack_tcp_timeout_time_wait", " s"},
    {core::Tunable::TcpTimeoutEstablished, "nf_conntrack_tcp_timeout_established", " s"},
    {core::Tunable::UdpTimeout, "nf_conntrack_udp_timeout", " s"},
    {core::Tunable::UdpTimeoutStream, "nf_conntrack_udp_timeout_stream", " s"},
    {core::Tunable::TcpTwReuse, "tcp_tw_reuse", ""},
}};

}  // namespace ctwatch::cli
