// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// How big the conntrack table must be: nf_conntrack_max and
// nf_conntrack_buckets from what was observed (or planned), with headroom,
// and what they cost in kernel memory. Pure; ctwatch(1) "SIZING" documents
// the model and its limits.
//
// Model (Little's law: entries = arrival rate x time each entry stays):
//   from_rate = a planned rate of new connections (ctwatch --rate) x hold
//               seconds, where hold is the TIME_WAIT timeout by default: a
//               short TCP connection keeps its entry for
//               nf_conntrack_tcp_timeout_time_wait after it closes. (Not
//               the kernel's `insert` statistic: only entries created over
//               ctnetlink count there, not those __nf_conntrack_confirm()
//               confirms for packets -- a live table is sized from its peak.
//               Long-lived connections add their lifetime: plan with --hold.)
//   need      = max(observed peak entries, from_rate)
//   max       = need x kHeadroom (the peak fills at most half the table:
//               the table_full finding warns at 80 %), rounded up to a
//               multiple of kMaxGranule, never below the configured max
//   buckets   = max: the default ratio since 5.15 (nf_conntrack_init_start(),
//               net/netfilter/nf_conntrack_core.c: max_factor 1, "keep the
//               average hash chain length at 2 entries" -- each entry is
//               hashed twice, original and reply), far from the chain cap
//               behind chaintoolong
//   memory    = max x per-entry bytes (the nf_conntrack slab's object, read
//               from /sys/kernel/slab/nf_conntrack/slab_size or object_size,
//               or /proc/slabinfo) + buckets x 8 (struct hlist_nulls_head,
//               allocated up front). Entries are allocated as they are
//               used: the first term is the cost of a full table.
// Not in the model: conntrack extensions (NAT, accounting, timestamps,
// labels: kmalloc'd next to the entry), the expectation table, bursts
// shorter than the sampling, and per-CPU ramp of a new service.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ctwatch::core {

inline constexpr double kHeadroom = 2.0;
inline constexpr std::uint64_t kMaxGranule = 16384;
inline constexpr std::uint64_t kBucketBytes = 8;          // sizeof(struct hlist_nulls_head), 64-bit
inline constexpr std::uint64_t kAssumedEntryBytes = 320;  // when no slab size can be read
inline constexpr double kDefaultHoldSeconds = 120;        // nf_conntrack_tcp_timeout_time_wait default

// The one wording of "the configured max is too small for what was seen"
// (CLI finding max_too_small, alert ConntrackMaxBelowRecommended, runbook).
inline constexpr std::string_view kMaxTooSmallSentence =
    "Max below the recommended size: the observed peak needs more than nf_conntrack_max with the "
    "documented headroom (the peak should fill at most half the table).";

struct SizingInputs {
  std::optional<std::uint64_t> peak_entries;  // observed (entries, or the census)
  std::optional<double> insert_rate;          // new entries per second
  std::optional<double> hold_seconds;         // how long each entry stays (TIME_WAIT timeout)
  std::optional<std::uint64_t> entry_bytes;   // nf_conntrack slab object size
  std::optional<std::uint64_t> current_max;   // nf_conntrack_max now, for the comparison
  std::optional<std::uint64_t> current_buckets;
};

struct Sizing {
  std::uint64_t need = 0;                  // entries the table must hold
  std::optional<std::uint64_t> from_peak;  // the observed peak
  std::optional<std::uint64_t> from_rate;  // planned rate x hold
  double hold_seconds = kDefaultHoldSeconds;
  double headroom = kHeadroom;
  std::uint64_t max = 0;                   // recommended nf_conntrack_max
  std::uint64_t buckets = 0;               // recommended nf_conntrack_buckets
  std::uint64_t entry_bytes = kAssumedEntryBytes;
  bool entry_bytes_assumed = true;         // no slab size was given
  std::uint64_t entries_memory = 0;        // max x entry_bytes (a full table)
  std::uint64_t buckets_memory = 0;        // buckets x 8
  std::optional<std::uint64_t> current_max;
  std::optional<std::uint64_t> current_buckets;
  // need x headroom > current max: the configured max is too small.
  bool max_too_small = false;
};

// nullopt when there is nothing to size from (neither peak nor rate).
std::optional<Sizing> recommend(const SizingInputs& in);

// A sysctl.d file (e.g. /etc/sysctl.d/90-conntrack.conf) setting both.
std::string sysctl_snippet(const Sizing& s);

// "12.5 MiB"
std::string format_bytes(std::uint64_t b);

// The object size of the nf_conntrack cache in /proc/slabinfo's text
// ("nf_conntrack <active> <num> <objsize> ..."); nullopt when absent.
std::optional<std::uint64_t> slabinfo_object_size(std::string_view slabinfo);

}  // namespace ctwatch::core
