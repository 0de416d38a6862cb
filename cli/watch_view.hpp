// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// What one refresh of `ctwatch --watch` shows (WatchFrame) and its layout
// for a terminal of a given size. Pure: the loop (cli/watch.cpp) samples,
// this lays out, and tests check the layout at any size without a terminal.
//
// Layout, top to bottom, each block with a priority (0 = kept longest):
//   header (0), Fill with a bar (0), an error or the /proc-only line (1),
//   peak / growth / time to full (1), counter rates (2), TCP states (3),
//   the census line (4), top sources and destinations (5, rows as fit).
// A terminal too short drops the blocks of the largest priority first (the
// peer rows shrink before they go); every line is cut at the width, never
// wrapped, so the screen never scrolls. height 0 (not a terminal): nothing
// is dropped.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/census.hpp"
#include "core/counters.hpp"
#include "core/snapshot.hpp"

namespace ctwatch::cli {

struct WatchFrame {
  std::string where;              // "this network namespace", "namespace web"
  std::string clock;              // wall-clock time of the sample, "20:31:05"
  double refresh_seconds = 2;
  core::Source source = core::Source::Netlink;
  std::optional<std::string> limited;  // the /proc-only line (without CAP_NET_ADMIN)
  std::optional<std::string> error;    // the last read failed: why
  std::optional<std::uint64_t> entries;
  std::optional<std::uint64_t> max_entries;
  std::optional<std::uint64_t> peak;   // largest count since the watch started
  // core::FillTrend: nullopt = too few samples yet; +inf = not growing.
  std::optional<double> seconds_to_full;
  std::optional<double> growth;        // entries per second (0: no significant growth)
  core::CounterTotals totals{};
  // Per second since the previous refresh; nullopt on the first refresh.
  std::optional<std::array<std::optional<double>, core::kCounterCount>> rates;
  std::optional<core::Census> census;  // the latest census (with top_peers when counted)
  double census_age = 0;               // seconds since it was taken
  double census_seconds = 0;           // how long it took
  double census_every = 0;             // seconds between censuses at the CPU budget
  std::size_t top = 10;                // peer rows at most (0: none)
};

// Lines of at most `width` columns, at most `height` of them (0: any).
std::vector<std::string> render_watch(const WatchFrame& f, std::size_t width, std::size_t height);

// "not growing", "full now", "3 min", "2.5 h", "collecting samples".
std::string time_to_full_text(const std::optional<double>& seconds);

}  // namespace ctwatch::cli
