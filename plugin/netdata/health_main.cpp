// SPDX-License-Identifier: GPL-2.0-only
// Writes health.d/ctwatch.conf (no argument) or the thresholds as JSON
// (--thresholds) to stdout. Run by the build; see netdata/health.hpp.
#include <cstdio>
#include <cstring>

#include "netdata/health.hpp"

int main(int argc, char** argv) {
  using namespace ctwatch::netdata;
  const auto t = health_thresholds();
  const std::string s = argc > 1 && std::strcmp(argv[1], "--thresholds") == 0 ? thresholds_json(t) : health_conf(t);
  return std::fwrite(s.data(), 1, s.size(), stdout) == s.size() && std::fflush(stdout) == 0 ? 0 : 1;
}
