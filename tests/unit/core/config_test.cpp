// SPDX-License-Identifier: GPL-2.0-only
#include "boost_test.hpp"
#include "core/config.hpp"

using namespace ctwatch;
using core::ConfigItem;

namespace {
ConfigItem block(std::vector<ConfigItem> children) { return ConfigItem{"Plugin", {std::string("ctwatch")}, std::move(children)}; }
ConfigItem kv(std::string k, std::vector<core::ConfigValue> v) { return ConfigItem{std::move(k), std::move(v), {}}; }
}  // namespace

BOOST_AUTO_TEST_SUITE(Core)
BOOST_AUTO_TEST_SUITE(Config)

BOOST_AUTO_TEST_CASE(defaults) {
  const auto c = core::parse_config(block({}));
  BOOST_REQUIRE(c.ok());
  BOOST_TEST(c->census);
  BOOST_TEST(c->census_interval == 30.0);
  BOOST_TEST(c->census_budget == 1.0);
  BOOST_TEST(!c->namespace_census);
  BOOST_TEST(c->timeout == 2.0);
  BOOST_TEST(!c->namespace_dir.has_value());
  BOOST_TEST((c->source == core::SourceMode::Auto));
  BOOST_TEST(c->top_peers == 5u);
  BOOST_TEST(c->stats_interval == 1.0);
  BOOST_TEST(c->max_namespaces == 0u);
}

BOOST_AUTO_TEST_CASE(every_option) {
  const auto c = core::parse_config(block({
      kv("Census", {false}), kv("CensusInterval", {60.0}), kv("CensusBudget", {0.5}),
      kv("Namespace", {std::string("web"), std::string("/var/run/netns/web")}),
      kv("namespace", {std::string("db-1"), std::string("/proc/1234/ns/net")}),
      kv("NamespaceDir", {std::string("/var/run/netns")}), kv("NamespaceCensus", {true}),
      kv("Source", {std::string("proc")}), kv("Timeout", {0.5}), kv("TopPeers", {0.0}),
      kv("StatsInterval", {0.25}), kv("MaxNamespaces", {300.0})}));
  BOOST_REQUIRE(c.ok());
  BOOST_TEST(!c->census);
  BOOST_TEST(c->census_interval == 60.0);
  BOOST_TEST(c->census_budget == 0.5);
  BOOST_REQUIRE(c->namespaces.size() == 2u);
  BOOST_TEST(c->namespaces[1].name == "db-1");
  BOOST_TEST(c->namespaces[1].path == "/proc/1234/ns/net");
  BOOST_TEST(*c->namespace_dir == "/var/run/netns");
  BOOST_TEST(c->namespace_census);
  BOOST_TEST((c->source == core::SourceMode::Proc));
  BOOST_TEST(c->timeout == 0.5);
  BOOST_TEST(c->top_peers == 0u);
  BOOST_TEST(c->stats_interval == 0.25);
  BOOST_TEST(c->max_namespaces == 300u);
}

BOOST_AUTO_TEST_CASE(stats_interval_zero_is_off) {
  const auto c = core::parse_config(block({kv("StatsInterval", {0.0})}));
  BOOST_REQUIRE(c.ok());
  BOOST_TEST(c->stats_interval == 0.0);
}

BOOST_AUTO_TEST_CASE(top_peers_range) {
  for (double n : {0.0, 1.0, 5.0, 1000.0}) {
    const auto c = core::parse_config(block({kv("TopPeers", {n})}));
    BOOST_REQUIRE(c.ok());
    BOOST_TEST(c->top_peers == static_cast<std::size_t>(n));
  }
}

BOOST_AUTO_TEST_CASE(unknown_option_lists_top_peers) {
  const auto r = core::parse_config(block({kv("TopPeer", {5.0})}));
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.error().message.find("TopPeers") != std::string::npos);
}

struct BadCase {
  ConfigItem item;
  std::vector<std::string> mentions;
};
std::ostream& operator<<(std::ostream& o, const BadCase& b) { return o << b.item.key; }

const std::vector<BadCase> kBad{
    {kv("Censsus", {true}), {"Censsus", "true", "unknown option"}},
    {kv("Census", {std::string("yes")}), {"Census", "\"yes\""}},
    {kv("CensusInterval", {-1.0}), {"CensusInterval", "-1"}},
    {kv("CensusInterval", {}), {"CensusInterval", "(no value)"}},
    {kv("CensusBudget", {0.0}), {"CensusBudget", "0"}},
    {kv("Timeout", {std::string("x")}), {"Timeout", "\"x\""}},
    {kv("Timeout", {1000.0}), {"Timeout", "1000"}},
    {kv("Source", {std::string("bogus")}), {"Source", "\"bogus\"", "auto"}},
    {kv("Namespace", {std::string("web")}), {"Namespace", "\"web\""}},
    {kv("Namespace", {std::string("host"), std::string("/x")}), {"Namespace", "\"host\""}},
    {kv("Namespace", {std::string("a b"), std::string("/x")}), {"Namespace", "\"a b\""}},
    {kv("Namespace", {std::string("web"), std::string("relative")}), {"Namespace", "absolute"}},
    {kv("NamespaceDir", {std::string("netns")}), {"NamespaceDir", "\"netns\""}},
    {kv("TopPeers", {1001.0}), {"TopPeers", "1001", "0 to 1000"}},
    {kv("StatsInterval", {0.1}), {"StatsInterval", "0.1", "0 (off) or"}},
    {kv("StatsInterval", {61.0}), {"StatsInterval", "61"}},
    {kv("MaxNamespaces", {1.5}), {"MaxNamespaces", "1.5", "whole number"}},
    {kv("MaxNamespaces", {-1.0}), {"MaxNamespaces", "-1"}},
    {kv("TopPeers", {-1.0}), {"TopPeers", "-1"}},
    {kv("TopPeers", {2.5}), {"TopPeers", "2.5", "whole number"}},
    {kv("TopPeers", {std::string("5")}), {"TopPeers", "\"5\""}},
    {kv("TopPeers", {true}), {"TopPeers", "true"}},
};

BOOST_DATA_TEST_CASE(bad_input_names_key_and_value, boost::unit_test::data::make(kBad), c) {
  const auto r = core::parse_config(block({c.item}));
  BOOST_REQUIRE(!r.ok());
  for (const auto& m : c.mentions) BOOST_TEST(r.error().message.find(m) != std::string::npos, r.error().message << " lacks " << m);
}

BOOST_AUTO_TEST_CASE(duplicate_namespace_name_is_an_error) {
  const auto r = core::parse_config(block({kv("Namespace", {std::string("a"), std::string("/x")}),
                                           kv("Namespace", {std::string("a"), std::string("/y")})}));
  BOOST_TEST(!r.ok());
}

BOOST_AUTO_TEST_SUITE_END()  // Config
BOOST_AUTO_TEST_SUITE_END()  // Core
