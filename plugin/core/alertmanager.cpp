// SPDX-License-Identifier: GPL-2.0-only
#include "core/alertmanager.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <limits>

#include <nlohmann/json.hpp>

#include "core/config_values.hpp"
#include "core/page_notifier.hpp"

namespace ctwatch::core {
namespace {

using namespace config_detail;

const char* summary_of(const std::string& alertname) {
  if (alertname == "ConntrackTableFillingFast") return "Conntrack table on {i} (namespace {n}) is filling fast";
  if (alertname == "ConntrackTableNearlyFull") return "Conntrack table nearly full on {i} (namespace {n})";
  return "Conntrack is dropping packets on {i} (namespace {n}, counter {t})";
}

std::string fill_in(std::string s, const std::map<std::string, std::string>& labels) {
  auto sub = [&](const std::string& key, const char* label) {
    const auto it = labels.find(label);
    for (std::size_t p; (p = s.find(key)) != std::string::npos;)
      s.replace(p, key.size(), it == labels.end() ? "" : it->second);
  };
  sub("{i}", "instance");
  sub("{n}", "ctwatch");
  sub("{t}", "type");
  return s;
}

std::string key_of(const std::map<std::string, std::string>& labels) {
  std::string k;
  for (const auto& [n, v] : labels) k += n + '\x1f' + v + '\x1e';
  return k;
}

}  // namespace

Result<AlertmanagerConfig> parse_alertmanager_config(const ConfigItem& block) {
  AlertmanagerConfig c;
  if (!block.values.empty()) return bad(block, "the <Alertmanager> block takes no value; put URL lines inside it");
  for (const auto& k : block.children) {
    if (key_is(k, "URL")) {
      auto s = get_string(k);
      if (!s) return s.error();
      if (s->rfind("http://", 0) != 0 && s->rfind("https://", 0) != 0)
        return bad(k, "expected an http:// or https:// URL of an Alertmanager, e.g. \"http://127.0.0.1:9093\"");
      std::string u = *s;
      while (!u.empty() && u.back() == '/') u.pop_back();
      c.urls.push_back(u);
    } else if (key_is(k, "CACert") || key_is(k, "ClientCert") || key_is(k, "ClientKey") || key_is(k, "User") ||
               key_is(k, "Password")) {
      auto s = get_string(k);
      if (!s) return s.error();
      (key_is(k, "CACert")       ? c.ca_cert
       : key_is(k, "ClientCert") ? c.client_cert
       : key_is(k, "ClientKey")  ? c.client_key
       : key_is(k, "User")       ? c.user
                                 : c.password) = *s;
    } else if (key_is(k, "VerifyPeer")) {
      auto b = get_bool(k);
      if (!b) return b.error();
      c.verify_peer = *b;
    } else if (key_is(k, "Timeout")) {
      auto d = get_number(k, 0.1, 60);
      if (!d) return d.error();
      c.timeout = *d;
    } else if (key_is(k, "ResendInterval")) {
      // Alertmanager resolves a firing alert at endsAt = 4 intervals; more
      // than 5 minutes between sends would be slow to recover a restarted one.
      auto d = get_number(k, 1, 300);
      if (!d) return d.error();
      c.resend_interval = *d;
    } else if (key_is(k, "MaxAlerts")) {
      auto d = get_number(k, 16, 100000);
      if (!d) return d.error();
      c.max_alerts = static_cast<std::size_t>(*d);
    } else if (key_is(k, "Label")) {
      const auto n = string_at(k, 0), v = string_at(k, 1);
      if (k.values.size() != 2 || !n || !v || n->empty())
        return bad(k, "expected two quoted strings: a label name and its value");
      static constexpr std::string_view kOwn[] = {"alertname", "instance", "ctwatch", "type", "severity"};
      if (std::find(std::begin(kOwn), std::end(kOwn), *n) != std::end(kOwn))
        return bad(k, "this label is set by ctwatch itself (the rules' labels)");
      const bool valid = std::all_of(n->begin(), n->end(), [](char ch) {
        return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_';
      }) && !(n->front() >= '0' && n->front() <= '9');
      if (!valid) return bad(k, "a label name is [a-zA-Z_][a-zA-Z0-9_]*");
      c.labels[*n] = *v;
    } else {
      return Error{EINVAL, "option \"" + k.key + "\" is not known inside <Alertmanager>; known: URL, CACert, ClientCert, "
                           "ClientKey, VerifyPeer, User, Password, Timeout, ResendInterval, MaxAlerts, Label"};
    }
  }
  if (c.urls.empty()) return Error{EINVAL, "option \"Alertmanager\": the block needs at least one URL line"};
  if (c.client_cert.empty() != c.client_key.empty())
    return Error{EINVAL, "option \"Alertmanager\": ClientCert and ClientKey go together"};
  if (!c.password.empty() && c.user.empty()) return Error{EINVAL, "option \"Alertmanager\": Password needs User"};
  return c;
}

Result<PushConfig> take_push_config(ConfigItem& plugin_block) {
  PushConfig p;
  auto& ch = plugin_block.children;
  for (auto it = ch.begin(); it != ch.end();) {
    if (key_is(*it, "PageNotifications")) {
      auto b = get_bool(*it);
      if (!b) return b.error();
      p.notifications = *b;
    } else if (key_is(*it, "Alertmanager")) {
      if (p.alertmanager)
        return Error{EINVAL, "option \"Alertmanager\" appears twice; put every URL line into one block"};
      auto a = parse_alertmanager_config(*it);
      if (!a) return a.error();
      p.alertmanager = std::move(*a);
    } else {
      ++it;
      continue;
    }
    it = ch.erase(it);
  }
  return p;
}

std::optional<AlertUpdate> alert_from_notification(const Notification& n, const AlertmanagerConfig& cfg) {
  if (n.plugin != "ctwatch" || n.plugin_instance.empty()) return std::nullopt;
  using S = Notification::Severity;
  AlertUpdate u;
  u.time = n.time;
  std::string alertname, counter;
  if (const auto a = n.meta.find(kMetaAlertname); a != n.meta.end()) {
    // ctwatch's own (PageNotifier): FAILURE fires, OKAY resolves.
    if (n.severity == S::Warning) return std::nullopt;
    alertname = a->second;
    if (const auto c = n.meta.find(kMetaCounter); c != n.meta.end()) counter = c->second;
    u.firing = n.severity == S::Failure;
  } else {
    // The threshold plugin (threshold.c, ut_report_state) sets CurrentValue;
    // its "missing value" notifications do not.
    if (!n.meta.count("CurrentValue")) return std::nullopt;
    if (n.type == "percent" && n.type_instance == "used") {
      alertname = "ConntrackTableNearlyFull";  // WARNING (70-80 %) resolves the page
    } else if (n.type == "duration" && n.type_instance == "time_to_full") {
      alertname = "ConntrackTableFillingFast";
    } else if (n.type == "errors" && (n.type_instance == "drop" || n.type_instance == "insert_failed")) {
      alertname = "ConntrackPacketsDropped";
      counter = n.type_instance;
    } else {
      return std::nullopt;
    }
    u.firing = n.severity == S::Failure;
  }
  if (alertname != page_alert_name(PageAlert::FillingFast) && alertname != page_alert_name(PageAlert::NearlyFull) &&
      alertname != page_alert_name(PageAlert::PacketsDropped))
    return std::nullopt;
  u.labels = cfg.labels;
  u.labels["alertname"] = alertname;
  u.labels["instance"] = n.host;
  u.labels["ctwatch"] = n.plugin_instance;
  u.labels["severity"] = std::string(kPageSeverity);
  if (!counter.empty()) u.labels["type"] = counter;
  u.annotations["summary"] = fill_in(summary_of(alertname), u.labels);
  u.annotations["description"] = n.message;
  u.annotations["runbook_url"] = "file:///usr/share/doc/collectd-ctwatch/runbooks/" + alertname + ".md";
  u.annotations["source"] = n.meta.count(kMetaAlertname) ? "ctwatch (collectd plugin, pushed)"
                                                          : "collectd threshold plugin (pushed by ctwatch)";
  return u;
}

std::string format_rfc3339(double unix_seconds) {
  const double whole = std::floor(unix_seconds);
  auto ms = static_cast<int>(std::lround((unix_seconds - whole) * 1000));
  auto secs = static_cast<std::time_t>(whole);
  if (ms >= 1000) {
    ms -= 1000;
    ++secs;
  }
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
  return buf;
}

AlertBook::AlertBook(double resend_interval, std::size_t max_alerts, std::size_t targets)
    : resend_(resend_interval), max_(max_alerts), targets_(targets) {}

std::size_t AlertBook::firing() const noexcept {
  return static_cast<std::size_t>(
      std::count_if(alerts_.begin(), alerts_.end(), [](const auto& a) { return !a.second.ends_at; }));
}

bool AlertBook::apply(const AlertUpdate& u, double) {
  const std::string key = key_of(u.labels);
  auto it = alerts_.find(key);
  if (!u.firing) {
    if (it == alerts_.end() || it->second.ends_at) return true;  // nothing fired
    it->second.ends_at = u.time;
    it->second.annotations = u.annotations;
    it->second.changed = ++generation_;
    return true;
  }
  if (it == alerts_.end()) {
    if (alerts_.size() >= max_) {
      // Make room: the resolved alert changed longest ago.
      auto victim = alerts_.end();
      for (auto a = alerts_.begin(); a != alerts_.end(); ++a)
        if (a->second.ends_at && (victim == alerts_.end() || a->second.changed < victim->second.changed)) victim = a;
      if (victim == alerts_.end()) return false;
      alerts_.erase(victim);
    }
    it = alerts_.emplace(key, Alert{u.labels, {}, u.time, std::nullopt, 0}).first;
  } else if (it->second.ends_at) {
    it->second.starts_at = u.time;  // a new incident
    it->second.ends_at.reset();
  }
  it->second.annotations = u.annotations;
  it->second.changed = ++generation_;
  return true;
}

bool AlertBook::due(std::size_t target, double mono_now) const {
  const Target& t = targets_.at(target);
  if (t.acked < generation_) return true;
  return firing() > 0 && mono_now - t.last_sent >= resend_;
}

std::optional<double> AlertBook::next_due(std::size_t target, double mono_now) const {
  if (due(target, mono_now)) return mono_now;
  if (firing() > 0) return targets_.at(target).last_sent + resend_;
  return std::nullopt;
}

std::string AlertBook::body(double unix_now, std::uint64_t* generation) const {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& [key, a] : alerts_) {
    nlohmann::json j;
    j["labels"] = a.labels;
    j["annotations"] = a.annotations;
    j["startsAt"] = format_rfc3339(a.starts_at);
    j["endsAt"] = format_rfc3339(a.ends_at ? std::max(*a.ends_at, a.starts_at) : unix_now + 4 * resend_);
    arr.push_back(std::move(j));
  }
  if (generation) *generation = generation_;
  return arr.dump();
}

void AlertBook::accepted(std::size_t target, std::uint64_t generation, double mono_now) {
  Target& t = targets_.at(target);
  t.acked = std::max(t.acked, generation);
  t.last_sent = mono_now;
  forget_delivered();
}

void AlertBook::forget_delivered() {
  std::uint64_t everyone = std::numeric_limits<std::uint64_t>::max();
  for (const auto& t : targets_) everyone = std::min(everyone, t.acked);
  std::erase_if(alerts_, [&](const auto& a) { return a.second.ends_at && a.second.changed <= everyone; });
}

bool Backoff::failure(double now) {
  const bool started = !failing_;
  if (started) {
    failing_ = true;
    since_ = now;
    delay_ = first_;
  } else {
    delay_ = std::min(delay_ * 2, max_);
  }
  next_ = now + delay_;
  return started;
}

bool Backoff::success() {
  const bool was = failing_;
  failing_ = false;
  delay_ = 0;
  next_ = 0;
  return was;
}

}  // namespace ctwatch::core
