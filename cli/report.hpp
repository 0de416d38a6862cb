// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// What `ctwatch` shows, as data (Report), judged (findings) and rendered
// (text for a person, JSON for scripts). Pure: everything here is computed
// from samples the caller took, so it is unit-tested without a kernel.
//
// Absent is not zero, as everywhere in ctwatch: a value the kernel did not
// give is left out of the text and is null in the JSON.

#include <optional>
#include <string>
#include <vector>

#include "core/census.hpp"
#include "core/counters.hpp"
#include "core/drop_causes.hpp"
#include "core/sizing.hpp"
#include "core/result.hpp"
#include "core/snapshot.hpp"

namespace ctwatch::cli {

struct Report {
  std::string netns;       // as given to --netns; empty: ctwatch's own namespace
  std::string netns_path;  // the path entered; empty: ctwatch's own namespace
  core::Snapshot snapshot; // the last sample (entries, max, counters, tunables)
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
};

// The JSON schema's version: 2 added the status census, the unreplied peer
// lists, sizing and mode, and replaced the drop findings by drop causes.
inline constexpr int kJsonVersion = 2;

// The sizing for this report: the observed peak and, with --interval, the
// insert rate; or --rate. nullopt when there is nothing to size from.
std::optional<core::Sizing> sizing(const Report& r);

enum class Severity { Critical, Warning, Info };
std::string_view severity_name(Severity s);  // "critical", "warning", "info"

struct Finding {
  std::string id;  // stable, for scripts: table_full, drop_rising, ... (see findings())
  Severity severity;
  std::string message;
};

// One rule of the findings table: its id, the condition in words (as in
// ctwatch(1)), and the judge that gives severity and message when the
// condition holds. Drop causes' messages start with core::drop_cause_text's
// sentence, the one the alerts and runbooks use.
struct FindingRule {
  std::string_view id;
  std::string_view condition;
};
const std::vector<FindingRule>& finding_rules();

// Every rule of finding_rules() that holds, most serious first.
std::vector<Finding> findings(const Report& r);

std::string render_text(const Report& r, const std::vector<Finding>& f);
std::string render_json(const Report& r, const std::vector<Finding>& f);
// The sysctl.d snippet of sizing(r); "" when there is nothing to size from.
std::string render_sysctl(const Report& r);

// Where a failure happened, for the explanation.
enum class Stage { Open, Stats, Census };
// "cannot enter namespace /var/run/netns/x: No such file or directory", with
// a plain-language hint when the errno says what is missing (privilege,
// conntrack not loaded). No "ctwatch: " prefix, no newline.
std::string explain(const core::Error& e, Stage stage, const std::string& netns_path);

}  // namespace ctwatch::cli
