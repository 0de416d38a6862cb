// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// The findings: what `ctwatch` judges from a Report, as a table of rules.
// Each rule has a stable id (for scripts), its condition in words (as in
// ctwatch(1)) and a judge that gives the severity and the message when the
// condition holds. Drop causes' messages start with core::drop_cause_text's
// sentence, the one the alerts and runbooks use. Thresholds, severities and
// the alert each finding corresponds to come from core/thresholds.hpp. Pure.

#include <string>
#include <string_view>
#include <vector>

#include "cli/report.hpp"
#include "core/drop_causes.hpp"  // the drop-cause findings' ids and sentences
#include "core/thresholds.hpp"

namespace ctwatch::cli {

// The alerts' severities: "critical", "warning", "info"; most serious first.
using Severity = core::Severity;
using core::severity_name;

struct Finding {
  std::string id;  // stable, for scripts: table_full, drop_rising, ... (see findings())
  Severity severity;
  std::string message;
};

struct FindingRule {
  std::string_view id;
  std::string condition;  // with the thresholds of core/thresholds.hpp
  // The bundled alert that watches the same condition ("" none); the
  // finding then has its severity (core::kFindingAlerts).
  std::string_view alert;
};
// The rules, in the order ties are listed.
const std::vector<FindingRule>& finding_rules();

// Every rule of finding_rules() that holds, most serious first.
std::vector<Finding> findings(const Report& r);

}  // namespace ctwatch::cli
