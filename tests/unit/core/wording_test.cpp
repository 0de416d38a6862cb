// SPDX-License-Identifier: GPL-2.0-only
// One wording: the drop causes' and the sizing's sentences (plugin/core)
// appear verbatim in the runbooks, and in the descriptions of their alerts
// (rules/prometheus/ctwatch.rules.yml), so the CLI, the pages and the
// runbooks say it the same way. Whitespace is compared collapsed (YAML folds
// descriptions, Markdown wraps lines).
#include <fstream>
#include <sstream>
#include <string>

#include "boost_test.hpp"
#include "core/drop_causes.hpp"
#include "core/sizing.hpp"

using namespace ctwatch;

namespace {

std::string collapse(const std::string& s) {
  std::string out;
  bool space = false;
  for (const char c : s) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::string slurp(const std::string& rel) {
  std::ifstream in(std::string(CTWATCH_SOURCE_DIR) + "/" + rel);
  BOOST_REQUIRE_MESSAGE(in, "cannot read " << rel);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Quoted {
  std::string sentence;
  std::string alert;  // "" : no alert of its own
};

std::vector<Quoted> sentences() {
  std::vector<Quoted> v;
  for (std::size_t i = 0; i < core::kDropCauseCount; ++i) {
    const auto& t = core::drop_cause_text(static_cast<core::DropCause>(i));
    v.push_back({std::string(t.sentence), std::string(t.alert)});
  }
  v.push_back({std::string(core::kMaxTooSmallSentence), "ConntrackMaxBelowRecommended"});
  return v;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(Core)
BOOST_AUTO_TEST_SUITE(Wording)

// Each sentence is in its alert's runbook; one without an alert is in
// ConntrackPacketsDropped's, which lists every cause.
BOOST_AUTO_TEST_CASE(runbooks_quote_the_sentences) {
  const std::string all_causes = collapse(slurp("docs/runbooks/ConntrackPacketsDropped.md"));
  for (const auto& q : sentences()) {
    const std::string book = q.alert.empty() ? all_causes : collapse(slurp("docs/runbooks/" + q.alert + ".md"));
    BOOST_TEST(book.find(collapse(q.sentence)) != std::string::npos, q.alert << " runbook lacks: " << q.sentence);
  }
  // Every drop cause is named in the drops runbook.
  for (std::size_t i = 0; i < core::kDropCauseCount; ++i) {
    const auto& t = core::drop_cause_text(static_cast<core::DropCause>(i));
    BOOST_TEST(all_causes.find(collapse(std::string(t.sentence))) != std::string::npos, t.sentence);
  }
}

// Each sentence with an alert is in that alert's description (the text from
// its "- alert: NAME" line to the next rule).
BOOST_AUTO_TEST_CASE(alert_descriptions_quote_the_sentences) {
  const std::string rules = slurp("rules/prometheus/ctwatch.rules.yml");
  for (const auto& q : sentences()) {
    if (q.alert.empty()) continue;
    const auto at = rules.find("- alert: " + q.alert + "\n");
    BOOST_TEST_REQUIRE(at != std::string::npos, "no alert " << q.alert);
    const auto next = rules.find("- alert: ", at + 1);
    const std::string block = collapse(rules.substr(at, next == std::string::npos ? std::string::npos : next - at));
    BOOST_TEST(block.find(collapse(q.sentence)) != std::string::npos, q.alert << " description lacks: " << q.sentence);
  }
}

BOOST_AUTO_TEST_SUITE_END()
BOOST_AUTO_TEST_SUITE_END()
