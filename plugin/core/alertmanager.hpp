// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// The Alertmanager bridge's pure half: collectd notifications about ctwatch
// (its own pages, core::PageNotifier, and the threshold plugin's, from
// rules/collectd/ctwatch-thresholds.conf) become Alertmanager v2 alerts
// (POST /api/v2/alerts, a JSON array of postableAlert), with the alertname
// and labels the Prometheus rules give the same condition
// (rules/prometheus/ctwatch.rules.yml), so that with both paths active
// Alertmanager's grouping (alertname, instance, ctwatch in the example
// route) puts them into one group and the receiver gets one page:
//
//   alertname  ConntrackTableFillingFast | ConntrackTableNearlyFull | ConntrackPacketsDropped
//   instance   the notification's host (collectd's Hostname; write_prometheus's instance)
//   ctwatch    the namespace (the notification's plugin_instance)
//   type       drop | insert_failed (ConntrackPacketsDropped only, as the rule's series)
//   severity   critical (the rules')
//   + the configured Label pairs (e.g. the scrape job, so both paths give
//     the very same label set and Alertmanager even merges them into one alert)
//
// Resend schedule (AlertBook): a change goes out at once; a firing alert is
// re-sent every ResendInterval (60 s, Prometheus's resend delay) with
// endsAt = now + 4 ResendIntervals, so Alertmanager resolves it by itself
// only if ctwatch stops sending (collectd dead), never while it is firing;
// a resolved alert is sent with endsAt = the resolve time until every
// Alertmanager accepted it once. Fixed memory: at most max_alerts alerts.
//
// Backoff: an Alertmanager that fails is retried after 1, 2, 4 ... 60 s;
// the failure is to be logged once, and its recovery once.
//
// Pure: times are passed in (unix seconds for the JSON, monotonic for the
// schedule). Not thread-safe: the sender locks.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/result.hpp"

namespace ctwatch::core {

// <Plugin ctwatch> <Alertmanager> ... </Alertmanager> (optional).
struct AlertmanagerConfig {
  std::vector<std::string> urls;        // base URLs, e.g. http://127.0.0.1:9093; each gets every alert
  std::string ca_cert;                  // CACert: PEM file to verify the server with
  std::string client_cert, client_key;  // ClientCert / ClientKey: PEM files for mutual TLS
  bool verify_peer = true;              // VerifyPeer
  std::string user, password;           // User / Password: HTTP basic auth
  double timeout = 5;                   // Timeout: seconds, a whole POST
  double resend_interval = 60;          // ResendInterval: seconds
  std::size_t max_alerts = 1024;        // MaxAlerts: alerts kept (firing + resolved not yet sent)
  std::map<std::string, std::string> labels;  // Label "name" "value" (added to every alert)
};
// Parses the block (the item whose key is "Alertmanager"). Errors name the key.
Result<AlertmanagerConfig> parse_alertmanager_config(const ConfigItem& block);

// The push keys of <Plugin ctwatch>:
//   PageNotifications true|false  ctwatch's own page notifications (default true)
//   <Alertmanager> ... </Alertmanager>  the bridge (default: none)
struct PushConfig {
  bool notifications = true;
  std::optional<AlertmanagerConfig> alertmanager;
};
// Takes (removes) those keys out of the <Plugin ctwatch> block and parses
// them; the rest of the block is left for parse_config. A second
// <Alertmanager> block is an error (one block takes several URL lines).
Result<PushConfig> take_push_config(ConfigItem& plugin_block);

// A copy of a collectd notification_t (the adapter fills it).
struct Notification {
  enum class Severity : std::uint8_t { Failure, Warning, Okay };
  Severity severity = Severity::Okay;
  double time = 0;  // unix seconds
  std::string host, plugin, plugin_instance, type, type_instance, message;
  std::map<std::string, std::string> meta;  // string metas; numbers printed
};

// Meta names ctwatch's own notifications carry (the adapter sets them).
inline constexpr const char* kMetaAlertname = "alertname";
inline constexpr const char* kMetaSeverity = "severity";
inline constexpr const char* kMetaCounter = "counter";

struct AlertUpdate {
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
  bool firing = true;
  double time = 0;  // unix seconds: startsAt when firing, endsAt when resolved
};

// The alert a notification means, or nullopt when it is none of ours: not
// plugin "ctwatch"; a threshold WARNING below the page level that resolves
// nothing; a "missing value" notification (no CurrentValue meta; Prometheus
// has ConntrackMetricsAbsent for that). Threshold mapping:
//   percent/used          FAILURE -> NearlyFull; WARNING/OKAY -> resolved
//   duration/time_to_full FAILURE -> FillingFast; OKAY -> resolved
//   errors/drop, errors/insert_failed FAILURE -> PacketsDropped; OKAY -> resolved
std::optional<AlertUpdate> alert_from_notification(const Notification& n, const AlertmanagerConfig& cfg);

// RFC 3339 UTC with milliseconds ("2026-12-06T19:20:00.123Z").
std::string format_rfc3339(double unix_seconds);

class AlertBook {
 public:
  AlertBook(double resend_interval, std::size_t max_alerts, std::size_t targets);

  // Applies an update; false when the book is full (max_alerts firing
  // alerts) and a new alert was dropped. A resolve of an alert the book
  // does not hold is ignored (nothing fired).
  bool apply(const AlertUpdate& u, double mono_now);

  // Whether target `i` should be sent the book now: it changed since the
  // target last accepted it, or a firing alert is due for its resend.
  bool due(std::size_t target, double mono_now) const;
  // When target `i` is next due: mono_now when due now, else its next
  // resend while something fires, else nullopt (until the next change).
  std::optional<double> next_due(std::size_t target, double mono_now) const;

  // The JSON body (array of postableAlert) of every alert held: firing
  // ones with endsAt = now + 4 resend intervals, resolved ones with their
  // endsAt. Also the generation to pass to accepted().
  std::string body(double unix_now, std::uint64_t* generation) const;
  // Target `i` accepted the body of `generation` at mono_now.
  void accepted(std::size_t target, std::uint64_t generation, double mono_now);

  std::size_t size() const noexcept { return alerts_.size(); }
  std::size_t firing() const noexcept;

 private:
  struct Alert {
    std::map<std::string, std::string> labels, annotations;
    double starts_at = 0;
    std::optional<double> ends_at;  // set when resolved
    std::uint64_t changed = 0;      // generation of the last change
  };
  struct Target {
    std::uint64_t acked = 0;  // generation last accepted
    double last_sent = -1e18;
  };
  void forget_delivered();

  double resend_;
  std::size_t max_;
  std::uint64_t generation_ = 0;
  std::map<std::string, Alert> alerts_;  // key: the label set, printed
  std::vector<Target> targets_;
};

// Retry delays for one Alertmanager: 1, 2, 4 ... max seconds.
class Backoff {
 public:
  explicit Backoff(double first = 1, double max = 60) : first_(first), max_(max) {}
  // A failed attempt at `now`; returns true when this starts a failure
  // (the one time to log it).
  bool failure(double now);
  // A successful attempt; returns true when it ends a failure (log "recovered").
  bool success();
  bool failing() const noexcept { return failing_; }
  // When the next attempt may be made.
  double next_attempt() const noexcept { return next_; }
  double failing_since() const noexcept { return since_; }

 private:
  double first_, max_;
  double delay_ = 0, next_ = 0, since_ = 0;
  bool failing_ = false;
};

}  // namespace ctwatch::core
