// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// The ctwatch command line (see kHelp and cli/ctwatch.1). Pure: parsing
// never touches the system, so every usage error is unit-tested.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace ctwatch::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;  // the kernel or the system said no; message on stderr
inline constexpr int kExitUsage = 2;  // bad command line; nothing was read

inline constexpr std::size_t kMaxTop = 1000;
inline constexpr double kMaxInterval = 3600;
inline constexpr double kMaxRate = 1e8;
inline constexpr double kMaxHold = 432000;  // 5 days, the ESTABLISHED default
inline constexpr double kDefaultWatch = 2;  // seconds between refreshes of --watch, as watch(1)
inline constexpr double kMinWatch = 0.5;

struct Options {
  std::string netns;               // as given; empty: the namespace ctwatch runs in
  std::string netns_path;          // netns resolved: NAME -> /var/run/netns/NAME, a PATH as is
  std::optional<double> interval;  // --interval SECONDS: sample twice, report rates
  std::size_t top = 5;             // --top N (0: no peer lists)
  bool top_given = false;          // --top was on the command line
  bool json = false;
  bool sysctl = false;          // --sysctl: print only a sysctl.d snippet of the sizing
  std::optional<double> rate;   // --rate N[/s]: plan for N new entries/s, no live table
  std::optional<double> hold;   // --hold SECONDS: how long each entry stays (default: TIME_WAIT timeout)
  std::optional<double> watch;  // --watch [SECONDS]: the live view, refreshed every SECONDS
  bool help = false;
  bool version = false;
};

// args: argv[1..]. Accepts "--opt VALUE" and "--opt=VALUE". An error's
// message names the offending argument (no "ctwatch: " prefix).
core::Result<Options> parse_args(const std::vector<std::string>& args);

// "web" -> "/var/run/netns/web" (where `ip netns add` puts it); anything
// containing a '/' is a path and used as is ("/proc/1234/ns/net").
std::string netns_path(const std::string& name_or_path);

extern const char* const kHelp;

}  // namespace ctwatch::cli
