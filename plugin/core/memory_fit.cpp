// SPDX-License-Identifier: GPL-2.0-only
#include "core/memory_fit.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace ctwatch::core {

std::optional<std::uint64_t> parse_meminfo_total(std::string_view text) {
  constexpr std::string_view kKey = "MemTotal:";
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    pos = eol + 1;
    if (line.substr(0, kKey.size()) != kKey) continue;
    line.remove_prefix(kKey.size());
    while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    std::uint64_t kib = 0;
    const auto [p, ec] = std::from_chars(line.data(), line.data() + line.size(), kib);
    if (ec != std::errc{} || p == line.data()) return std::nullopt;
    std::string_view unit(p, static_cast<std::size_t>(line.data() + line.size() - p));
    while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
    while (!unit.empty() && (unit.back() == ' ' || unit.back() == '\r')) unit.remove_suffix(1);
    if (unit != "kB" || kib == 0 || kib > (UINT64_MAX >> 10)) return std::nullopt;
    return kib << 10;
  }
  return std::nullopt;
}

std::string_view memory_verdict_name(MemoryVerdict v) {
  switch (v) {
    case MemoryVerdict::Fits: return "fits";
    case MemoryVerdict::Large: return "large";
    case MemoryVerdict::DoesNotFit: return "does_not_fit";
  }
  return "fits";
}

MemoryFit memory_fit(const Sizing& s, std::uint64_t mem_total) {
  MemoryFit f;
  f.mem_total = mem_total;
  f.table_bytes = s.entries_memory + s.buckets_memory;
  f.share = mem_total ? static_cast<double>(f.table_bytes) / static_cast<double>(mem_total) : INFINITY;
  if (f.table_bytes > mem_total) f.verdict = MemoryVerdict::DoesNotFit;
  else if (f.share > kLargeShare) f.verdict = MemoryVerdict::Large;
  // One entry of nf_conntrack_max costs its slab object and, at the
  // recommended buckets = max, one bucket.
  const double per_entry = static_cast<double>(s.entry_bytes + kBucketBytes);
  const auto budget = static_cast<double>(mem_total) * kLargeShare;
  const auto raw = static_cast<std::uint64_t>(budget / per_entry);
  f.fitting_entries = raw / kMaxGranule * kMaxGranule;  // the sizing's granule, rounded down
  if (s.from_rate && s.hold_seconds > 0 && s.headroom > 0)
    f.fitting_rate = static_cast<double>(f.fitting_entries) / s.headroom / s.hold_seconds;
  return f;
}

std::string memory_fit_sentence(const MemoryFit& f, const Sizing& s) {
  if (f.verdict == MemoryVerdict::Fits) return "";
  std::string out = f.verdict == MemoryVerdict::DoesNotFit
                        ? "Does not fit this machine: a full table of " + std::to_string(s.max) + " entries takes " +
                              format_bytes(f.table_bytes) + " of kernel memory, more than its " +
                              format_bytes(f.mem_total) + " (MemTotal)."
                        : "Too large for this machine: a full table of " + std::to_string(s.max) + " entries takes " +
                              format_bytes(f.table_bytes) + " of kernel memory that cannot be swapped, " +
                              std::to_string(static_cast<int>(std::lround(f.share * 100))) + " % of its " +
                              format_bytes(f.mem_total) + " (MemTotal).";
  out += " A quarter of the memory holds nf_conntrack_max " + std::to_string(f.fitting_entries);
  if (f.fitting_rate) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.0f", *f.fitting_rate);
    char hold[32];
    std::snprintf(hold, sizeof hold, "%g", s.hold_seconds);
    out += std::string(", enough for ") + buf + " new connections/s held " + hold +
           " s. Shorten the hold (nf_conntrack_tcp_timeout_time_wait, connection reuse) or spread the load "
           "over more machines.";
  } else {
    out += ".";
  }
  return out;
}

}  // namespace ctwatch::core
