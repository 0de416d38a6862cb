// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// Why packets are dropped, from the kernel's per-CPU counters (their rise
// over an interval) and the table's fill. Pure: the CLI's findings, and
// through the same sentences the alerts' descriptions and the runbooks, say
// it one way (kDropCauseText; tests/unit/core/drop_causes_test.cpp checks
// that the rules and runbooks use these sentences verbatim).
//
// What each counter counts (net/netfilter/nf_conntrack_core.c, 6.x; exported
// per CPU by ctnetlink_ct_stat_cpu_fill_info() in
// net/netfilter/nf_conntrack_netlink.c since 3.x as CTA_STATS_*):
//   drop           nf_conntrack_in(): resolve_normal_ct() failed -- no entry
//                  could be allocated (init_conntrack(): the table is over
//                  nf_conntrack_max and early_drop() found nothing to evict,
//                  "nf_conntrack: table full, dropping packet") -- the packet
//                  is dropped. nf_ct_resolve_clash() also counts drop (and
//                  insert_failed) when it cannot resolve a clash.
//   early_drop     early_drop(): an unassured entry (IPS_ASSURED clear) was
//                  evicted to make room: only when the table is full.
//   insert_failed  __nf_conntrack_confirm(): the new entry could not be put
//                  in the hash: a clash nf_ct_resolve_clash() could not
//                  resolve (packet dropped), a hash chain over its cap (also
//                  counted as chaintoolong), or the entry died meanwhile.
//                  Before CTA_STATS_CLASH_RESOLVE existed (kernel < 5.10 in
//                  docs/kernels.md's matrix) a *resolved* clash counted here
//                  too; the commit that added clash_resolve moved it there.
//   clash_resolve  __nf_ct_resolve_clash() / nf_ct_resolve_clash_harder():
//                  a clash that was resolved -- the packet went on (>= 5.10).
//   chaintoolong   __nf_conntrack_confirm() (and ctnetlink's
//                  nf_conntrack_hash_check_insert()): a hash chain already
//                  held more than the kernel's random cap (8 + up to 56
//                  entries, MIN_CHAINLEN/MAX_CHAINLEN) -- the entry is refused
//                  and the packet dropped, however empty the table (>= 5.15).
//   invalid        nf_conntrack_in(): the protocol tracker could not track
//                  the packet (bad TCP flags/window, bad checksum, ...). Not
//                  dropped by conntrack itself, only by a ruleset matching
//                  `ct state invalid`.
// A counter the running kernel does not provide is absent (nullopt): a cause
// that needs it is not judged, never judged on a fake 0.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/thresholds.hpp"

namespace ctwatch::core {

enum class DropCause : std::uint8_t { TableFull, InsertClash, ChainTooLong, Invalid };
inline constexpr std::size_t kDropCauseCount = 4;

// The rise of each counter over the interval (nullopt: the kernel does not
// have it, or there was no interval), and the fill when the interval ended.
struct DropInputs {
  std::optional<std::uint64_t> drop, early_drop, insert_failed, clash_resolve, chaintoolong, invalid;
  std::optional<double> fill_percent;  // entries / max x 100
  double seconds = 0;                  // length of the interval
};

struct DropFinding {
  DropCause cause;
  // The severity of the alert that watches this cause (core/thresholds.hpp),
  // so the CLI and the rules never disagree; Info where no alert does.
  Severity severity;
  std::uint64_t packets = 0;  // packets (or entries) the cause accounts for over the interval
  std::string detail;         // the numbers, after the sentence
};

// The one wording of each cause: stable id, and the sentence every surface
// (CLI finding, alert description, runbook) starts with.
struct DropCauseText {
  std::string_view id;        // "table_full_drops", ... (the CLI finding id)
  std::string_view alert;     // the alert whose description carries `sentence` ("" none)
  std::string_view sentence;  // one sentence, ends with a period
};
const DropCauseText& drop_cause_text(DropCause c);
inline constexpr double kNearlyFullPercent = 90;  // "near max"

// Most serious first. Empty when nothing rose.
std::vector<DropFinding> classify_drops(const DropInputs& in);

}  // namespace ctwatch::core
