// SPDX-License-Identifier: GPL-2.0-only
#include "cli/report.hpp"

namespace ctwatch::cli {

using core::Counter;
using core::Tunable;

std::optional<std::uint64_t> counter(const core::CounterTotals& t, Counter c) { return t[static_cast<std::size_t>(c)]; }

std::optional<std::uint64_t> delta(const Report& r, Counter c) {
  if (!r.first_counters) return std::nullopt;
  const auto a = counter(*r.first_counters, c);
  const auto b = counter(r.snapshot.counters, c);
  if (!a || !b || *b < *a) return std::nullopt;
  return *b - *a;
}

std::optional<double> fill_percent(const core::Snapshot& s) {
  if (!s.entries || !s.max_entries || *s.max_entries == 0) return std::nullopt;
  return 100.0 * static_cast<double>(*s.entries) / static_cast<double>(*s.max_entries);
}

std::optional<core::Sizing> sizing(const Report& r) {
  core::SizingInputs in;
  const core::Snapshot& s = r.snapshot;
  if (r.plan_rate) {
    in.insert_rate = r.plan_rate;
  } else {
    // Live sizing is from the peak only. The kernel's `insert` statistic is
    // not a new-connection rate: only entries created over ctnetlink count
    // there, the packet path's __nf_conntrack_confirm() does not (measured on
    // 6.18: 200 real TCP connections in a namespace leave it at 0). A
    // planned rate comes from --rate.
    in.peak_entries = r.peak_entries ? r.peak_entries : s.entries;
    in.current_max = s.max_entries;
    in.current_buckets = s.tunable(Tunable::Buckets);
  }
  if (r.hold_seconds) in.hold_seconds = r.hold_seconds;
  else if (const auto tw = s.tunable(Tunable::TcpTimeoutTimeWait)) in.hold_seconds = static_cast<double>(*tw);
  in.entry_bytes = r.entry_bytes;
  return core::recommend(in);
}

std::optional<core::MemoryFit> memory_fit(const Report& r) {
  const auto sz = sizing(r);
  if (!sz || !r.mem_total || *r.mem_total == 0) return std::nullopt;
  return core::memory_fit(*sz, *r.mem_total);
}

}  // namespace ctwatch::cli
