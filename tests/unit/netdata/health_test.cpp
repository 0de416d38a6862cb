// SPDX-License-Identifier: GPL-2.0-only
// health.d/ctwatch.conf: the file the build wrote is health_conf(); every
// alarm sits on a context the writer produces and names only dimensions and
// chart variables that chart has (a renamed dimension would leave a Netdata
// alarm silently UNDEFINED); the levels are core's.
#include "boost_test.hpp"
#include "netdata/charts.hpp"
#include "netdata/health.hpp"

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "core/thresholds.hpp"

using namespace ctwatch;

namespace {

// context -> dimension ids and chart variables, from the writer's own output
// on a snapshot that has everything.
std::map<std::string, std::set<std::string>> chart_names() {
  core::Snapshot s;
  s.entries = 10;
  s.max_entries = 100;
  s.peak_entries = 11;
  s.seconds_to_full = 5;
  s.census_age = 1;
  for (auto& c : s.counters) c = 1;
  for (auto& t : s.tunables) t = 1;
  s.census = core::CensusSample{};
  netdata::ChartWriter w({1, 5});
  std::string out;
  w.update({{"host", s}}, {}, out);
  std::map<std::string, std::set<std::string>> names;
  std::map<std::string, std::string> chart_ctx;  // type.id -> context
  std::istringstream in(out);
  std::string ctx;
  const std::regex chart(R"(^CHART (\S+) '' '[^']*' '[^']*' '[^']*' '([^']*)')");
  const std::regex dim(R"(^DIMENSION '([^']*)')");
  const std::regex begin(R"(^BEGIN (\S+))");
  const std::regex var(R"(^VARIABLE CHART (\S+) =)");
  std::smatch m;
  for (std::string line; std::getline(in, line);) {
    if (std::regex_search(line, m, chart)) chart_ctx[m[1]] = ctx = m[2];
    else if (std::regex_search(line, m, begin)) ctx = chart_ctx[m[1]];
    else if (std::regex_search(line, m, dim) || std::regex_search(line, m, var)) names[ctx].insert(m[1]);
  }
  return names;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(Netdata)
BOOST_AUTO_TEST_SUITE(Health)

BOOST_AUTO_TEST_CASE(built_file_is_the_rendered_one) {
  std::ifstream in(CTWATCH_NETDATA_HEALTH);
  BOOST_TEST_REQUIRE(static_cast<bool>(in));
  std::stringstream ss;
  ss << in.rdbuf();
  BOOST_TEST(ss.str() == netdata::health_conf(netdata::health_thresholds()));
}

BOOST_AUTO_TEST_CASE(levels_come_from_core) {
  const auto t = netdata::health_thresholds();
  BOOST_TEST(t.page_fill_percent == 100 * core::kPageFillRatio);
  BOOST_TEST(t.gate_fill_percent == 100 * core::kFastFillRatio);
  BOOST_TEST(t.fast_fill_seconds == core::kFastFillSeconds);
  const std::string conf = netdata::health_conf(t);
  BOOST_TEST(conf.find("$this >= (($status == $CRITICAL) ? (75) : (80))") != std::string::npos);
  BOOST_TEST(conf.find("$fill >= 50 && $this < 300") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(every_alarm_names_what_its_chart_has) {
  auto names = chart_names();
  const std::string conf = netdata::health_conf(netdata::health_thresholds());
  std::istringstream in(conf);
  std::string alarm, on;
  std::size_t alarms = 0;
  const std::regex ident(R"(\$\{?([A-Za-z_][A-Za-z0-9_]*))");
  const std::set<std::string> builtin{"this", "status", "CRITICAL", "WARNING"};
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (std::regex_search(line, m, std::regex(R"(^ template: (\S+))"))) { alarm = m[1]; ++alarms; continue; }
    if (std::regex_search(line, m, std::regex(R"(^\s+on: (\S+))"))) {
      on = m[1];
      BOOST_TEST(names.count(on) == 1u, alarm << ": no chart has context " << on);
      continue;
    }
    if (std::regex_search(line, m, std::regex(R"(^\s+lookup: (\w+) .* of (\S+))"))) {
      // Netdata sums a lookup's dimensions after grouping each over time:
      // a max/min over several dimensions would be a sum (170 % "fill").
      if (m[1] != "sum")
        BOOST_TEST(m[2].str().find(',') == std::string::npos, alarm << ": " << m[1] << " over several dimensions");
      std::istringstream dims(m[2].str());
      for (std::string d; std::getline(dims, d, ',');)
        BOOST_TEST(names[on].count(d) == 1u, alarm << ": " << on << " has no dimension " << d);
    }
    if (line.find("info:") != std::string::npos) continue;
    for (auto it = std::sregex_iterator(line.begin(), line.end(), ident); it != std::sregex_iterator(); ++it) {
      const std::string v = (*it)[1];
      if (builtin.count(v) || v == alarm) continue;
      BOOST_TEST(names[on].count(v) == 1u, alarm << ": " << on << " has no dimension or variable $" << v);
    }
  }
  BOOST_TEST(alarms == 8u);
}

BOOST_AUTO_TEST_SUITE_END()  // Health
BOOST_AUTO_TEST_SUITE_END()  // Netdata
