// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// A Report and its findings, rendered: text for a person (render_text.cpp),
// JSON for scripts (render_json.cpp, schema version kJsonVersion, checked
// by tests/cli), and the sizing as a sysctl.d snippet. Pure.

#include <string>
#include <vector>

#include "cli/findings.hpp"
#include "cli/report.hpp"

namespace ctwatch::cli {

// The JSON schema's version: 2 added the status census, the unreplied peer
// lists, sizing and mode, and replaced the drop findings by drop causes; 3
// added source and limited (the /proc view without CAP_NET_ADMIN) and
// sizing.memory (does the table fit this machine).
inline constexpr int kJsonVersion = 3;

std::string render_text(const Report& r, const std::vector<Finding>& f);
std::string render_json(const Report& r, const std::vector<Finding>& f);
// The sysctl.d snippet of sizing(r); "" when there is nothing to size from.
std::string render_sysctl(const Report& r);

}  // namespace ctwatch::cli
