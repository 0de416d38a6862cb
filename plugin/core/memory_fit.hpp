// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// Does a recommended conntrack table fit this machine's memory? Pure: the
// caller reads /proc/meminfo and passes its text.
//
// A full table costs Sizing::entries_memory + Sizing::buckets_memory of
// kernel memory (the sizing model, core/sizing.hpp). That memory is slab and
// a vmalloc'd hash table: it is never swapped and is taken from everything
// else the machine runs. So:
//   DoesNotFit  the full table needs more than MemTotal: the recommendation
//               cannot be applied on this machine at all;
//   Large       it needs more than kLargeShare of MemTotal (a quarter): it
//               can be set, but a full table would starve the applications;
//   Fits        otherwise.
// For comparison, the kernel's own default spends 1/16384 of the memory on
// buckets and allows as many entries (nf_conntrack_init_start()), about 2 %
// of MemTotal when full with ~300 B entries.
//
// With a verdict other than Fits, fitting_entries is the largest
// nf_conntrack_max whose full table takes at most kLargeShare of MemTotal,
// and fitting_rate the planned rate that needs it (same hold and headroom),
// so the user sees what this machine can take.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/sizing.hpp"

namespace ctwatch::core {

inline constexpr double kLargeShare = 0.25;

// MemTotal from /proc/meminfo's text ("MemTotal:       24576000 kB"), in
// bytes; nullopt when the line is missing or malformed.
std::optional<std::uint64_t> parse_meminfo_total(std::string_view meminfo);

enum class MemoryVerdict : std::uint8_t { Fits, Large, DoesNotFit };
std::string_view memory_verdict_name(MemoryVerdict v);  // "fits", "large", "does_not_fit"

struct MemoryFit {
  MemoryVerdict verdict = MemoryVerdict::Fits;
  std::uint64_t table_bytes = 0;  // entries_memory + buckets_memory
  std::uint64_t mem_total = 0;
  double share = 0;               // table_bytes / mem_total
  std::uint64_t fitting_entries = 0;    // nf_conntrack_max within kLargeShare
  std::optional<double> fitting_rate;   // for a plan (Sizing::from_rate): rate that needs fitting_entries
};

// mem_total must be > 0 (bytes).
MemoryFit memory_fit(const Sizing& s, std::uint64_t mem_total);

// One sentence for a verdict other than Fits ("" for Fits), used by the
// text report; the JSON carries the numbers.
std::string memory_fit_sentence(const MemoryFit& f, const Sizing& s);

}  // namespace ctwatch::core
