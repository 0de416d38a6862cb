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
};

enum class Severity { Critical, Warning, Info };
std::string_view severity_name(Severity s);  // "critical", "warning", "info"

struct Finding {
  std::string id;  // stable, for scripts: table_full, drop_rising, ... (see findings())
  Severity severity;
  std::string message;
};

// The table is full >= 80 % (critical >= 95 %); drop, insert_failed or
// early_drop rose during --interval; without --interval, drop or
// insert_failed are non-zero; TIME_WAIT >= 50 % of the census; max is still
// the kernel default 262144; tcp_tw_reuse = 1. Most serious first.
std::vector<Finding> findings(const Report& r);

std::string render_text(const Report& r, const std::vector<Finding>& f);
std::string render_json(const Report& r, const std::vector<Finding>& f);

// Where a failure happened, for the explanation.
enum class Stage { Open, Stats, Census };
// "cannot enter namespace /var/run/netns/x: No such file or directory", with
// a plain-language hint when the errno says what is missing (privilege,
// conntrack not loaded). No "ctwatch: " prefix, no newline.
std::string explain(const core::Error& e, Stage stage, const std::string& netns_path);

}  // namespace ctwatch::cli
