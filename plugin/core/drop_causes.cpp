// SPDX-License-Identifier: GPL-2.0-only
#include "core/drop_causes.hpp"

#include <algorithm>
#include <cstdio>

namespace ctwatch::core {
namespace {

// The sentences. Alert descriptions (rules/prometheus/ctwatch.rules.yml) and
// runbooks (docs/runbooks/) quote them verbatim; a unit test checks it.
constexpr std::array<DropCauseText, kDropCauseCount> kText{{
    {"table_full_drops", "ConntrackPacketsDropped",
     "Table full: packets that need a new conntrack entry are dropped because the table is at "
     "nf_conntrack_max and early drop found no unassured entry to evict."},
    {"insert_clashes", "ConntrackInsertClashesUnresolved",
     "Insert clashes not resolved: new entries clashed with an existing entry for the same tuple "
     "(racing packets of one new flow, NAT) and could not be merged, so their packets are dropped."},
    {"chains_too_long", "ConntrackHashChainsTooLong",
     "Hash chains too long: the kernel refuses new entries whose hash chain is over its length cap, "
     "and drops their packets, although the table is not full."},
    {"invalid_packets", "",
     "Invalid packets: conntrack could not track these packets; they are dropped only where a "
     "ruleset drops ct state invalid."},
}};

std::string fmt(const char* f, double v) {
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

std::string over(std::uint64_t n, double s) {
  std::string r = std::to_string(n) + " in " + fmt("%.1f", s) + " s";
  if (s > 0) r += " (" + fmt("%.1f", static_cast<double>(n) / s) + "/s)";
  return r;
}

}  // namespace

const DropCauseText& drop_cause_text(DropCause c) { return kText[static_cast<std::size_t>(c)]; }

std::vector<DropFinding> classify_drops(const DropInputs& in) {
  std::vector<DropFinding> out;
  const std::uint64_t chain = in.chaintoolong.value_or(0);
  const std::uint64_t failed = in.insert_failed.value_or(0);
  // insert_failed includes chaintoolong (both counted in
  // __nf_conntrack_confirm()); what is left are clashes that were not
  // resolved (and the rare entry that died before its insert). Entries
  // created over ctnetlink that meet the chain cap raise chaintoolong alone,
  // so then the difference undercounts the clashes (clamped at 0).
  const std::uint64_t clashes = failed > chain ? failed - chain : 0;
  // drop includes the unresolved clashes (nf_ct_resolve_clash()); what is
  // left is allocation refused: the table is full.
  const std::uint64_t drop = in.drop.value_or(0);
  const std::uint64_t full_drops = drop > clashes ? drop - clashes : 0;
  const std::uint64_t early = in.early_drop.value_or(0);
  const std::string fill = in.fill_percent ? fmt("%.1f", *in.fill_percent) + " % full" : "fill unknown";

  if (in.drop && (full_drops > 0 || early > 0)) {
    std::string d = "drop rose by " + over(drop, in.seconds);
    if (in.early_drop) d += ", early_drop by " + over(early, in.seconds);
    d += "; the table is " + fill + ".";
    if (full_drops == 0)
      d += " Early drop still finds entries to evict: no packet is dropped for a full table yet.";
    out.push_back({DropCause::TableFull, full_drops > 0 ? alert::kPacketsDropped.severity : alert::kEarlyDrops.severity,
                   full_drops > 0 ? full_drops : early, d});
  } else if (!in.drop && early > 0) {
    out.push_back({DropCause::TableFull, alert::kEarlyDrops.severity, early,
                   "early_drop rose by " + over(early, in.seconds) + "; the table is " + fill + "."});
  }
  if (in.insert_failed && clashes > 0) {
    std::string d = "insert_failed rose by " + over(failed, in.seconds);
    if (in.chaintoolong) d += ", of which chaintoolong " + std::to_string(chain);
    if (in.clash_resolve)
      d += "; clash_resolve rose by " + std::to_string(*in.clash_resolve) +
           " (clashes resolved without a drop, not part of insert_failed).";
    else
      d += ". This kernel has no clash_resolve counter: insert_failed also counts clashes that were "
           "resolved, so not every one of them was a dropped packet.";
    out.push_back({DropCause::InsertClash, in.clash_resolve ? alert::kInsertClashesUnresolved.severity : Severity::Info, clashes,
                   d});
  }
  if (in.chaintoolong && chain > 0) {
    out.push_back({DropCause::ChainTooLong, alert::kHashChainsTooLong.severity, chain,
                   "chaintoolong rose by " + over(chain, in.seconds) + " while the table is " + fill +
                       ": raise nf_conntrack_buckets (more, shorter chains)."});
  }
  if (in.invalid && *in.invalid > 0) {
    out.push_back({DropCause::Invalid, Severity::Info, *in.invalid,
                   "invalid rose by " + over(*in.invalid, in.seconds) + "."});
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const DropFinding& a, const DropFinding& b) { return a.severity < b.severity; });
  return out;
}

}  // namespace ctwatch::core
