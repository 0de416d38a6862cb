// SPDX-License-Identifier: GPL-2.0-only
#include "boost_test.hpp"
#include "core/config_text.hpp"

using namespace ctwatch;

BOOST_AUTO_TEST_SUITE(Netdata)
BOOST_AUTO_TEST_SUITE(ConfigText)

BOOST_AUTO_TEST_CASE(lines_become_the_collectd_tree) {
  const auto tree = core::parse_config_text(
      "# comment\n  Census false   # trailing\nCensusInterval 2.5\n"
      "Namespace \"web\" \"/var/run/netns/web \\\"x\\\"\"\nSource netlink\n\n",
      "ctwatch.conf");
  BOOST_TEST_REQUIRE(tree.ok());
  BOOST_TEST(tree->children.size() == 4u);
  BOOST_TEST(std::get<bool>(tree->children[0].values[0]) == false);
  BOOST_TEST(std::get<double>(tree->children[1].values[0]) == 2.5);
  BOOST_TEST(std::get<std::string>(tree->children[2].values[1]) == "/var/run/netns/web \"x\"");
  BOOST_TEST(std::get<std::string>(tree->children[3].values[0]) == "netlink");
  const auto cfg = core::parse_config(*tree);
  BOOST_TEST_REQUIRE(cfg.ok());
  BOOST_TEST(cfg->census == false);
  BOOST_TEST(cfg->census_interval == 2.5);
  BOOST_TEST(cfg->namespaces.size() == 1u);
}

BOOST_AUTO_TEST_CASE(errors_name_the_file_line_and_option) {
  auto t = core::parse_config_text("Census true\nTimeout \"2\n", "/etc/netdata/ctwatch.conf");
  BOOST_TEST(!t.ok());
  BOOST_TEST(t.error().message == "/etc/netdata/ctwatch.conf line 2: unterminated string");
  t = core::parse_config_text("<Plugin ctwatch>\n", "f");
  BOOST_TEST(!t.ok());
  t = core::parse_config_text("CensusInterval 30s\n", "f");
  BOOST_TEST_REQUIRE(t.ok());
  const auto cfg = core::parse_config(*t);
  BOOST_TEST_REQUIRE(!cfg.ok());
  BOOST_TEST(cfg.error().message.find("CensusInterval") != std::string::npos);
  BOOST_TEST(cfg.error().message.find("30s") != std::string::npos);
  const auto unknown = core::parse_config(*core::parse_config_text("Sauce auto\n", "f"));
  BOOST_TEST(!unknown.ok());
}

BOOST_AUTO_TEST_SUITE_END()  // ConfigText
BOOST_AUTO_TEST_SUITE_END()  // Netdata
