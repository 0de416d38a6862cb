// SPDX-License-Identifier: GPL-2.0-only
// The Alertmanager bridge's pure half: config, notification -> alert with the
// rules' labels, the v2 JSON, the resend schedule, the backoff.
#include <nlohmann/json.hpp>

#include "boost_test.hpp"
#include "core/alertmanager.hpp"

using namespace ctwatch;
using core::Notification;
using S = core::Notification::Severity;

namespace {

core::ConfigItem kv(std::string key, std::vector<core::ConfigValue> v) { return core::ConfigItem{std::move(key), std::move(v), {}}; }

core::ConfigItem am_block(std::vector<core::ConfigItem> children) {
  return core::ConfigItem{"Alertmanager", {}, std::move(children)};
}

core::AlertmanagerConfig cfg() {
  auto c = core::parse_alertmanager_config(am_block({kv("URL", {std::string("http://127.0.0.1:9093/")})}));
  BOOST_TEST_REQUIRE(c.ok());
  return *c;
}

Notification own(S sev, std::string alertname, std::string counter = {}) {
  Notification n;
  n.severity = sev;
  n.time = 1765048800.25;  // 2025-12-06T19:20:00.250Z
  n.host = "node-7";
  n.plugin = "ctwatch";
  n.plugin_instance = "web";
  n.type = "conntrack";
  n.message = "ConntrackTableFillingFast: namespace \"web\" is filling fast (62 % full)";
  n.meta[core::kMetaAlertname] = std::move(alertname);
  n.meta[core::kMetaSeverity] = "critical";
  if (!counter.empty()) n.meta[core::kMetaCounter] = std::move(counter);
  return n;
}

Notification threshold(S sev, std::string type, std::string ti) {
  Notification n;
  n.severity = sev;
  n.time = 1765048800;
  n.host = "node-7";
  n.plugin = "ctwatch";
  n.plugin_instance = "web";
  n.type = std::move(type);
  n.type_instance = std::move(ti);
  n.message = "Host node-7, plugin ctwatch (instance web) type percent (instance used): ...";
  n.meta["CurrentValue"] = "85";
  return n;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(Core)
BOOST_AUTO_TEST_SUITE(Alertmanager)

BOOST_AUTO_TEST_CASE(config_full_and_errors_name_the_key) {
  auto c = core::parse_alertmanager_config(am_block({
      kv("URL", {std::string("https://am-1:9093")}), kv("url", {std::string("https://am-2:9093")}),
      kv("CACert", {std::string("/etc/ssl/ca.pem")}), kv("ClientCert", {std::string("/c.pem")}),
      kv("ClientKey", {std::string("/k.pem")}), kv("User", {std::string("u")}), kv("Password", {std::string("p")}),
      kv("Timeout", {2.0}), kv("ResendInterval", {30.0}), kv("Label", {std::string("job"), std::string("collectd")}),
      kv("VerifyPeer", {false})}));
  BOOST_TEST_REQUIRE(c.ok());
  BOOST_TEST(c->urls.size() == 2u);
  BOOST_TEST(c->labels.at("job") == "collectd");
  BOOST_TEST(!c->verify_peer);
  BOOST_TEST(c->resend_interval == 30.0);

  auto bad_url = core::parse_alertmanager_config(am_block({kv("URL", {std::string("am:9093")})}));
  BOOST_TEST_REQUIRE(!bad_url.ok());
  BOOST_TEST(bad_url.error().message.find("option \"URL\": invalid value \"am:9093\"") == 0, bad_url.error().message);
  auto none = core::parse_alertmanager_config(am_block({}));
  BOOST_TEST(!none.ok());
  auto unknown = core::parse_alertmanager_config(am_block({kv("Url", {std::string("http://a")}), kv("Host", {std::string("a")})}));
  BOOST_TEST_REQUIRE(!unknown.ok());
  BOOST_TEST(unknown.error().message.find("\"Host\" is not known inside <Alertmanager>") != std::string::npos);
  auto own_label = core::parse_alertmanager_config(
      am_block({kv("URL", {std::string("http://a")}), kv("Label", {std::string("severity"), std::string("x")})}));
  BOOST_TEST(!own_label.ok());
  auto half_tls = core::parse_alertmanager_config(
      am_block({kv("URL", {std::string("http://a")}), kv("ClientCert", {std::string("/c.pem")})}));
  BOOST_TEST(!half_tls.ok());
}

BOOST_AUTO_TEST_CASE(push_keys_are_taken_out_of_the_plugin_block) {
  core::ConfigItem plugin{"Plugin", {std::string("ctwatch")},
                          {kv("StatsInterval", {1.0}), kv("PageNotifications", {false}),
                           am_block({kv("URL", {std::string("http://127.0.0.1:9093")})})}};
  auto p = core::take_push_config(plugin);
  BOOST_TEST_REQUIRE(p.ok());
  BOOST_TEST(!p->notifications);
  BOOST_TEST_REQUIRE(p->alertmanager.has_value());
  BOOST_TEST(plugin.children.size() == 1u);
  BOOST_TEST(plugin.children[0].key == "StatsInterval");
  core::ConfigItem twice{"Plugin", {}, {am_block({kv("URL", {std::string("http://a")})}), am_block({kv("URL", {std::string("http://b")})})}};
  BOOST_TEST(!core::take_push_config(twice).ok());
}

BOOST_AUTO_TEST_CASE(own_notification_gets_the_rules_labels) {
  auto u = core::alert_from_notification(own(S::Failure, "ConntrackTableFillingFast"), cfg());
  BOOST_TEST_REQUIRE(u.has_value());
  BOOST_TEST(u->firing);
  const std::map<std::string, std::string> want{{"alertname", "ConntrackTableFillingFast"},
                                                {"instance", "node-7"},
                                                {"ctwatch", "web"},
                                                {"severity", "critical"}};
  BOOST_TEST((u->labels == want));
  BOOST_TEST(u->annotations.at("runbook_url") ==
             "file:///usr/share/doc/collectd-ctwatch/runbooks/ConntrackTableFillingFast.md");
  BOOST_TEST(u->annotations.at("summary") == "Conntrack table on node-7 (namespace web) is filling fast");
  auto d = core::alert_from_notification(own(S::Failure, "ConntrackPacketsDropped", "drop"), cfg());
  BOOST_TEST(d->labels.at("type") == "drop");
  auto ok = core::alert_from_notification(own(S::Okay, "ConntrackTableFillingFast"), cfg());
  BOOST_TEST(!ok->firing);
  BOOST_TEST(!core::alert_from_notification(own(S::Failure, "SomethingElse"), cfg()).has_value());
}

BOOST_AUTO_TEST_CASE(threshold_notifications_map_to_the_same_alerts) {
  auto nf = core::alert_from_notification(threshold(S::Failure, "percent", "used"), cfg());
  BOOST_TEST(nf->labels.at("alertname") == "ConntrackTableNearlyFull");
  BOOST_TEST(nf->firing);
  auto warn = core::alert_from_notification(threshold(S::Warning, "percent", "used"), cfg());
  BOOST_TEST(!warn->firing);  // back below 80 %
  BOOST_TEST(core::alert_from_notification(threshold(S::Failure, "duration", "time_to_full"), cfg())->labels.at("alertname") ==
             "ConntrackTableFillingFast");
  auto drop = core::alert_from_notification(threshold(S::Failure, "errors", "insert_failed"), cfg());
  BOOST_TEST(drop->labels.at("alertname") == "ConntrackPacketsDropped");
  BOOST_TEST(drop->labels.at("type") == "insert_failed");
  // Same labels whichever path: one alert in Alertmanager.
  auto mine = core::alert_from_notification(own(S::Failure, "ConntrackTableNearlyFull"), cfg());
  BOOST_TEST((mine->labels == nf->labels));
  // Not ours, or a "missing value" notification, or another type.
  auto missing = threshold(S::Failure, "percent", "used");
  missing.meta.clear();
  BOOST_TEST(!core::alert_from_notification(missing, cfg()).has_value());
  auto other = threshold(S::Failure, "percent", "used");
  other.plugin = "cpu";
  BOOST_TEST(!core::alert_from_notification(other, cfg()).has_value());
  BOOST_TEST(!core::alert_from_notification(threshold(S::Failure, "conntrack", "entries"), cfg()).has_value());
}

BOOST_AUTO_TEST_CASE(configured_labels_are_added) {
  auto c = cfg();
  c.labels["job"] = "collectd";
  auto u = core::alert_from_notification(own(S::Failure, "ConntrackTableNearlyFull"), c);
  BOOST_TEST(u->labels.at("job") == "collectd");
}

BOOST_AUTO_TEST_CASE(rfc3339) {
  BOOST_TEST(core::format_rfc3339(1765048800.25) == "2025-12-06T19:20:00.250Z");
  BOOST_TEST(core::format_rfc3339(0) == "1970-01-01T00:00:00.000Z");
  BOOST_TEST(core::format_rfc3339(1.9996) == "1970-01-01T00:00:02.000Z");
}

BOOST_AUTO_TEST_CASE(book_sends_changes_at_once_resends_firing_and_delivers_resolves_once) {
  core::AlertBook book(60, 16, 2);
  BOOST_TEST(!book.due(0, 0));
  auto fire = *core::alert_from_notification(own(S::Failure, "ConntrackTableFillingFast"), cfg());
  BOOST_TEST(book.apply(fire, 100));
  BOOST_TEST(book.due(0, 100));
  BOOST_TEST(book.due(1, 100));
  std::uint64_t gen = 0;
  auto j = nlohmann::json::parse(book.body(1765048810, &gen));
  BOOST_TEST_REQUIRE(j.size() == 1u);
  BOOST_TEST(j[0]["labels"]["alertname"] == "ConntrackTableFillingFast");
  BOOST_TEST(j[0]["startsAt"] == "2025-12-06T19:20:00.250Z");
  BOOST_TEST(j[0]["endsAt"] == "2025-12-06T19:24:10.000Z");  // now + 4 x 60 s
  book.accepted(0, gen, 100);
  BOOST_TEST(!book.due(0, 100));
  BOOST_TEST(book.due(1, 100));  // target 1 has not got it (down)
  BOOST_TEST(!book.due(0, 159));
  BOOST_TEST(book.due(0, 160));  // resend while firing
  BOOST_TEST(*book.next_due(1, 120) == 120.0);  // target 1 still due
  BOOST_TEST(*book.next_due(0, 120) == 160.0);
  book.accepted(1, gen, 120);
  BOOST_TEST(*book.next_due(1, 130) == 180.0);
  // A second FAILURE of the same alert changes nothing but the annotations; startsAt stays.
  auto again = fire;
  again.time += 30;
  book.apply(again, 130);
  j = nlohmann::json::parse(book.body(1765048840, &gen));
  BOOST_TEST(j[0]["startsAt"] == "2025-12-06T19:20:00.250Z");
  // Resolve: sent with endsAt until both targets took it, then forgotten.
  auto ok = *core::alert_from_notification(own(S::Okay, "ConntrackTableFillingFast"), cfg());
  ok.time = 1765049400;
  book.apply(ok, 700);
  BOOST_TEST(book.firing() == 0u);
  j = nlohmann::json::parse(book.body(1765049401, &gen));
  BOOST_TEST(j[0]["endsAt"] == "2025-12-06T19:30:00.000Z");
  book.accepted(0, gen, 700);
  BOOST_TEST(book.size() == 1u);
  book.accepted(1, gen, 701);
  BOOST_TEST(book.size() == 0u);
  BOOST_TEST(!book.due(0, 10000));
  BOOST_TEST(!book.next_due(0, 10000).has_value());
  // A resolve of something that never fired is nothing.
  book.apply(ok, 800);
  BOOST_TEST(book.size() == 0u);
  BOOST_TEST(!book.due(0, 800));
}

BOOST_AUTO_TEST_CASE(book_is_bounded) {
  core::AlertBook book(60, 16, 1);
  auto u = *core::alert_from_notification(own(S::Failure, "ConntrackTableNearlyFull"), cfg());
  for (int i = 0; i < 16; ++i) {
    u.labels["ctwatch"] = "ns" + std::to_string(i);
    BOOST_TEST(book.apply(u, i));
  }
  u.labels["ctwatch"] = "one-too-many";
  BOOST_TEST(!book.apply(u, 20));
  BOOST_TEST(book.size() == 16u);
  // A resolved alert makes room.
  auto r = u;
  r.labels["ctwatch"] = "ns3";
  r.firing = false;
  book.apply(r, 21);
  BOOST_TEST(book.apply(u, 22));
  BOOST_TEST(book.size() == 16u);
}

BOOST_AUTO_TEST_CASE(backoff_logs_once_and_doubles_to_a_minute) {
  core::Backoff b;
  BOOST_TEST(b.failure(0));
  BOOST_TEST(b.next_attempt() == 1.0);
  BOOST_TEST(!b.failure(1));
  BOOST_TEST(b.next_attempt() == 3.0);
  for (double t = 3; t < 1000; t += 60) BOOST_TEST(!b.failure(t));
  BOOST_TEST(b.next_attempt() - 963 == 60.0);
  BOOST_TEST(b.failing_since() == 0.0);
  BOOST_TEST(b.success());
  BOOST_TEST(!b.success());
  BOOST_TEST(b.failure(2000));
}

BOOST_AUTO_TEST_SUITE_END()
BOOST_AUTO_TEST_SUITE_END()
