// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// Thresholds and severities: every number that decides a page or a
// finding, and the severity of every bundled alert, defined once.
//
//  - the plugin's page policy (core/page_policy.hpp) uses the fill levels;
//  - the CLI's findings (cli/findings.cpp) use the same levels, and each
//    finding that watches the same condition as an alert takes that
//    alert's severity from here;
//  - the mixin's defaults (mixin/config.libsonnet: the key named at each
//    constant) and the rendered rules' labels.severity
//    (rules/prometheus/ctwatch.rules.yml) must equal these:
//    tests/unit/core/thresholds_drift.py fails when any of them drifts.
//
// Ratios are fractions of nf_conntrack_max (0.8 = 80 %).

#include <array>
#include <cstdint>
#include <string_view>

namespace ctwatch::core {

// ConntrackTableNearlyFull pages at this fill; the CLI's table_full finding
// starts here. mixin: fillPageRatio.
inline constexpr double kPageFillRatio = 0.80;
// The fill gate: below it ConntrackTableFillingFast and the trend and
// tuning alerts stay quiet (an idle, nearly empty table never pages on
// noise), and the CLI's census findings stay info. mixin: fillGateRatio.
inline constexpr double kFastFillRatio = 0.50;
// ConntrackTableFillingFast: full within this many seconds at the current
// growth. mixin: fillingFastSeconds.
inline constexpr double kFastFillSeconds = 300;
// TCP TIME_WAIT share of the entries that counts as dominant
// (ConntrackTimeWaitDominant; the CLI's time_wait finding). mixin:
// timeWaitShareRatio.
inline constexpr double kTimeWaitShareRatio = 0.5;
// The CLI's unreplied finding: unreplied entries at least this share of
// the census (no alert).
inline constexpr double kUnrepliedShareRatio = 0.25;
// The kernel's default nf_conntrack_max on a 64-bit machine with more than
// 4 GiB of RAM: nf_conntrack_htable_size = 262144 and max = 1 x that
// (nf_conntrack_init_start(), net/netfilter/nf_conntrack_core.c).
// ConntrackMaxNotTuned; the CLI's default_max finding.
inline constexpr std::uint64_t kKernelDefaultMax = 262144;

// Most serious first: sorting by it lists the most serious first.
enum class Severity : std::uint8_t { Critical, Warning, Info };

constexpr std::string_view severity_name(Severity s) {
  switch (s) {
    case Severity::Critical: return "critical";
    case Severity::Warning: return "warning";
    case Severity::Info: return "info";
  }
  return "info";
}

struct Alert {
  std::string_view name;  // the alert's name in rules/prometheus/ctwatch.rules.yml
  Severity severity;      // its labels.severity
};

// Every bundled alert.
namespace alert {
inline constexpr Alert kTableNearlyFull{"ConntrackTableNearlyFull", Severity::Critical};
inline constexpr Alert kTableFillingFast{"ConntrackTableFillingFast", Severity::Critical};
inline constexpr Alert kPacketsDropped{"ConntrackPacketsDropped", Severity::Critical};
inline constexpr Alert kTimeWaitDominant{"ConntrackTimeWaitDominant", Severity::Warning};
inline constexpr Alert kTableFillingUp{"ConntrackTableFillingUp", Severity::Warning};
inline constexpr Alert kEarlyDrops{"ConntrackEarlyDrops", Severity::Warning};
inline constexpr Alert kMaxNotTuned{"ConntrackMaxNotTuned", Severity::Info};
inline constexpr Alert kTimeWaitTimeoutLong{"ConntrackTimeWaitTimeoutLong", Severity::Info};
// info, not warning: tcp_tw_reuse = 1 is a choice with conditional harm
// (a stateful hop that still holds the old connection may drop the new
// SYN); it neither fills the table nor drops anything by itself.
inline constexpr Alert kTcpTwReuseEnabled{"ConntrackTcpTwReuseEnabled", Severity::Info};
inline constexpr Alert kCensusStale{"ConntrackCensusStale", Severity::Warning};
inline constexpr Alert kNamespaceUnsampled{"ConntrackNamespaceUnsampled", Severity::Warning};
inline constexpr Alert kMetricsAbsent{"ConntrackMetricsAbsent", Severity::Warning};
inline constexpr Alert kHashChainsTooLong{"ConntrackHashChainsTooLong", Severity::Warning};
inline constexpr Alert kInsertClashesUnresolved{"ConntrackInsertClashesUnresolved", Severity::Warning};
inline constexpr Alert kMaxBelowRecommended{"ConntrackMaxBelowRecommended", Severity::Info};
}  // namespace alert

inline constexpr std::array kAlerts{
    alert::kTableNearlyFull,   alert::kTableFillingFast,        alert::kPacketsDropped,
    alert::kTimeWaitDominant,  alert::kTableFillingUp,          alert::kEarlyDrops,
    alert::kMaxNotTuned,       alert::kTimeWaitTimeoutLong,     alert::kTcpTwReuseEnabled,
    alert::kCensusStale,       alert::kNamespaceUnsampled,      alert::kMetricsAbsent,
    alert::kHashChainsTooLong, alert::kInsertClashesUnresolved, alert::kMaxBelowRecommended,
};

// The CLI's findings that watch an alert's condition, with that alert. The
// finding's severity when the alert's condition holds is the alert's.
// Findings without an alert (unreplied, invalid_packets, drops_in_the_past)
// are not listed.
struct FindingAlert {
  std::string_view finding;  // the finding's id (ctwatch --json)
  Alert alert;
};
inline constexpr std::array kFindingAlerts{
    FindingAlert{"table_full", alert::kTableNearlyFull},
    // drop rose: critical; only early_drop rose: ConntrackEarlyDrops.
    FindingAlert{"table_full_drops", alert::kPacketsDropped},
    FindingAlert{"insert_clashes", alert::kInsertClashesUnresolved},
    FindingAlert{"chains_too_long", alert::kHashChainsTooLong},
    FindingAlert{"time_wait", alert::kTimeWaitDominant},
    FindingAlert{"max_too_small", alert::kMaxBelowRecommended},
    FindingAlert{"default_max", alert::kMaxNotTuned},
    FindingAlert{"tcp_tw_reuse", alert::kTcpTwReuseEnabled},
};

}  // namespace ctwatch::core
