// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// `ctwatch --watch [SECONDS]`: the live view (cli/watch_view.hpp lays it
// out). On a terminal: the alternate screen, redrawn in place with plain
// ANSI escapes (cursor home, erase to end of line / of screen), redrawn at
// once on SIGWINCH, cursor and screen restored on Ctrl-C, SIGTERM, SIGHUP or
// `q`. Otherwise one plain-text block per refresh, no escapes.
//
// Cost: every refresh reads the statistics (two netlink requests, or the
// /proc files); the census (one dump of the table, for TCP states and top
// peers) runs under a core::CensusBudget of the plugin's default
// CensusBudget (1 % of one CPU), so a large table is censused less often
// instead of costing more.

#include "cli/live.hpp"
#include "cli/options.hpp"

namespace ctwatch::cli {

// Returns the exit status: 0 when ended by a signal or `q`.
int run_watch(const Options& o, Live& live);

}  // namespace ctwatch::cli
