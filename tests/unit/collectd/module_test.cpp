// SPDX-License-Identifier: GPL-2.0-only
// The adapter driven through its collectd entry points with a fake daemon.
#define BOOST_TEST_MODULE ctwatch collectd adapter tests
extern "C" {
#include "collectd.h"
#include "plugin.h"
}

#include <cstring>
#include <set>

#include "boost_test.hpp"
#include "fakes/fake_collectd.hpp"

extern "C" void module_register(void);

using ctwatch::test::fake_collectd;

namespace {

// A oconfig tree built like liboconfig would.
struct Cfg {
  std::vector<oconfig_item_t> children;
  std::vector<std::vector<oconfig_value_t>> values;
  std::vector<std::string> strings;
  oconfig_item_t root{};
  Cfg() { strings.reserve(64); values.reserve(64); children.reserve(64); }
  Cfg& num(const char* key, double v) {
    oconfig_value_t x{};
    x.type = OCONFIG_TYPE_NUMBER;
    x.value.number = v;
    return add(key, {x});
  }
  Cfg& str(const char* key, const std::string& v) {
    strings.push_back(v);
    oconfig_value_t x{};
    x.type = OCONFIG_TYPE_STRING;
    x.value.string = strings.back().data();
    return add(key, {x});
  }
  Cfg& add(const char* key, std::vector<oconfig_value_t> v) {
    values.push_back(std::move(v));
    oconfig_item_t it{};
    it.key = const_cast<char*>(key);
    it.values = values.back().data();
    it.values_num = static_cast<int>(values.back().size());
    children.push_back(it);
    return *this;
  }
  // A nested block (<Alertmanager> ... </Alertmanager>); `sub` must outlive this.
  Cfg& block(const char* key, Cfg& sub) {
    oconfig_item_t it{};
    it.key = const_cast<char*>(key);
    it.children = sub.children.data();
    it.children_num = static_cast<int>(sub.children.size());
    children.push_back(it);
    return *this;
  }
  oconfig_item_t* get() {
    root.key = const_cast<char*>("Plugin");
    root.children = children.data();
    root.children_num = static_cast<int>(children.size());
    return &root;
  }
};

struct Fixture {
  Fixture() {
    fake_collectd().reset();
    module_register();
  }
  ~Fixture() {
    if (fake_collectd().shutdown) fake_collectd().shutdown();
    fake_collectd().reset();
  }
  int config(Cfg& c) { return fake_collectd().config(c.get()); }
  bool logged(const std::string& s) {
    for (const auto& l : fake_collectd().logs)
      if (l.find(s) != std::string::npos) return true;
    return false;
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(Collectd)

BOOST_FIXTURE_TEST_CASE(registers_config_init_shutdown_but_no_read_before_init, Fixture) {
  BOOST_TEST(fake_collectd().config != nullptr);
  BOOST_TEST(fake_collectd().init != nullptr);
  BOOST_TEST(fake_collectd().shutdown != nullptr);
  BOOST_TEST(fake_collectd().read == nullptr);
}

BOOST_FIXTURE_TEST_CASE(typo_fails_config_and_init_naming_the_key, Fixture) {
  Cfg c;
  c.num("CensusIntervall", 10);
  BOOST_TEST(config(c) != 0);
  BOOST_TEST(logged("ctwatch plugin: unknown option \"CensusIntervall\""));
  BOOST_TEST(fake_collectd().init() != 0);
  BOOST_TEST(fake_collectd().read == nullptr);
}

BOOST_FIXTURE_TEST_CASE(alertmanager_block_without_url_fails_config, Fixture) {
  Cfg am;
  am.num("Timeout", 2);
  Cfg c;
  c.block("Alertmanager", am);
  BOOST_TEST(config(c) != 0);
  BOOST_TEST(logged("ctwatch plugin: option \"Alertmanager\": the block needs at least one URL line"));
  BOOST_TEST(fake_collectd().init() != 0);
}

BOOST_FIXTURE_TEST_CASE(alertmanager_block_registers_the_bridge_and_page_notifications_are_a_key, Fixture) {
  Cfg am;
  am.str("URL", "http://127.0.0.1:9");
  Cfg c;
  c.str("Source", "proc");
  c.block("Alertmanager", am);
  c.add("PageNotifications", {[] {
          oconfig_value_t v{};
          v.type = OCONFIG_TYPE_BOOLEAN;
          v.value.boolean = 1;
          return v;
        }()});
  BOOST_REQUIRE(config(c) == 0);
  BOOST_REQUIRE(fake_collectd().init() == 0);
  BOOST_TEST(fake_collectd().notification != nullptr);
  BOOST_TEST(logged("Alertmanager bridge: sending"));
  // A notification of another plugin goes through the callback untouched.
  notification_t n{};
  n.severity = NOTIF_FAILURE;
  std::strcpy(n.plugin, "cpu");
  BOOST_TEST(plugin_dispatch_notification(&n) == 0);
}

BOOST_FIXTURE_TEST_CASE(bad_value_names_key_and_value, Fixture) {
  Cfg c;
  c.str("Source", "bogus");
  BOOST_TEST(config(c) != 0);
  BOOST_TEST(logged("\"Source\""));
  BOOST_TEST(logged("\"bogus\""));
}

// Source "proc" against this machine's real /proc: the adapter's mapping of
// a Snapshot onto value lists, end to end but without a daemon.
BOOST_FIXTURE_TEST_CASE(read_dispatches_contract_types_for_host, Fixture) {
  Cfg c;
  c.str("Source", "proc");
  BOOST_REQUIRE(config(c) == 0);
  BOOST_REQUIRE(fake_collectd().init() == 0);
  BOOST_REQUIRE(fake_collectd().read != nullptr);
  BOOST_TEST(fake_collectd().read_name == "ctwatch");
  BOOST_TEST(fake_collectd().run_read() == 0);
  const std::set<std::string> allowed{"conntrack", "percent", "tcp_connections", "current_connections",
                                      "errors", "operations", "duration", "gauge", "derive"};
  std::set<std::string> seen;
  for (const auto& v : fake_collectd().values) {
    BOOST_TEST(v.plugin == "ctwatch");
    // The per-plugin self-health values go out as the host's too.
    BOOST_TEST(v.plugin_instance == "host");
    BOOST_TEST(v.host.empty());  // collectd fills in its Hostname
    BOOST_TEST(allowed.count(v.type) == 1u, v.type);
    seen.insert(v.plugin_instance + ":" + v.type + "/" + v.type_instance);
  }
  BOOST_TEST(seen.count("host:gauge/namespaces_sampled") == 1u);
  BOOST_TEST(seen.count("host:gauge/namespaces_unsampled") == 1u);
  BOOST_TEST(seen.count("host:derive/censuses_deferred") == 1u);
  BOOST_TEST(seen.count("host:conntrack/entries") == 1u);
  BOOST_TEST(seen.count("host:conntrack/max") == 1u);
  BOOST_TEST(seen.count("host:percent/used") == 1u);
  BOOST_TEST(seen.count("host:errors/drop") == 1u);
  BOOST_TEST(seen.count("host:tcp_connections/TIME_WAIT") == 0u);  // no census on /proc
}

BOOST_FIXTURE_TEST_CASE(shutdown_frees_state_once_and_is_idempotent, Fixture) {
  Cfg c;
  c.str("Source", "proc");
  BOOST_REQUIRE(config(c) == 0);
  BOOST_REQUIRE(fake_collectd().init() == 0);
  const int before = fake_collectd().freed;
  BOOST_TEST(fake_collectd().shutdown() == 0);
  BOOST_TEST(fake_collectd().freed == before + 1);
  BOOST_TEST(fake_collectd().shutdown() == 0);
  BOOST_TEST(fake_collectd().freed == before + 1);
}

BOOST_FIXTURE_TEST_CASE(defaults_without_a_plugin_block, Fixture) {
  BOOST_TEST(fake_collectd().init() == 0);
  BOOST_TEST(fake_collectd().read != nullptr);
}

BOOST_AUTO_TEST_SUITE_END()  // Collectd
