// SPDX-License-Identifier: GPL-2.0-only
// Prints core/thresholds.hpp as JSON, for tests/unit/core/thresholds_drift.py,
// which compares it with the mixin's defaults and the rendered rules.
#include <cstdio>
#include <string>

#include "core/thresholds.hpp"

using namespace ctwatch::core;

int main() {
  // %.17g: every double exactly, so 0.8 prints as 0.80000000000000004,
  // which Python reads back as the same double.
  std::printf("{\n  \"mixin\": {\n");
  std::printf("    \"fillPageRatio\": %.17g,\n", kPageFillRatio);
  std::printf("    \"fillGateRatio\": %.17g,\n", kFastFillRatio);
  std::printf("    \"fillingFastSeconds\": %.17g,\n", kFastFillSeconds);
  std::printf("    \"timeWaitShareRatio\": %.17g\n", kTimeWaitShareRatio);
  std::printf("  },\n  \"kernelDefaultMax\": %llu,\n", static_cast<unsigned long long>(kKernelDefaultMax));
  std::printf("  \"alerts\": {");
  const char* sep = "\n";
  for (const Alert& a : kAlerts) {
    std::printf("%s    \"%.*s\": \"%.*s\"", sep, static_cast<int>(a.name.size()), a.name.data(),
                static_cast<int>(severity_name(a.severity).size()), severity_name(a.severity).data());
    sep = ",\n";
  }
  std::printf("\n  }\n}\n");
  return 0;
}
