// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// AlertSender: the Alertmanager bridge's I/O half. notify() takes a
// notification from any thread (collectd calls notification callbacks in the
// thread that dispatched it: our fast sampler, a read thread, the threshold
// plugin's write thread) and only updates the AlertBook under a mutex and
// wakes the sender thread: it never waits for the network, so collectd never
// waits for an Alertmanager.
//
// One thread of ours (start()) POSTs the book to every configured
// Alertmanager (POST <URL>/api/v2/alerts) when it changed, and re-sends the
// firing alerts every ResendInterval (core::AlertBook). Each POST is bounded
// by Timeout (libcurl CURLOPT_TIMEOUT_MS, connect at most 3 s of it), and
// runs without signals (CURLOPT_NOSIGNAL). An Alertmanager that fails
// (refused, timeout, TLS, HTTP status >= 300) is logged once at WARNING,
// retried after 1, 2, 4 ... 60 s (core::Backoff) while alerts wait for it,
// and logged once at INFO when it accepts again. The others are unaffected.
//
// Memory is fixed by MaxAlerts (alerts beyond it are dropped, logged once).

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/alertmanager.hpp"
#include "source/log.hpp"

namespace ctwatch::source {

class AlertSender {
 public:
  AlertSender(core::AlertmanagerConfig cfg, LogFn log);
  ~AlertSender();
  AlertSender(const AlertSender&) = delete;
  AlertSender& operator=(const AlertSender&) = delete;

  // Starts the sender thread (signals blocked in it); idempotent.
  void start();
  // Stops and joins it (at most one POST's Timeout); idempotent.
  void stop();

  // Thread-safe, non-blocking. Ignores notifications that are no page
  // alert (core::alert_from_notification).
  void notify(const core::Notification& n);

  // For tests: POSTs accepted so far, by every target together.
  std::size_t posts_accepted() const;

 private:
  struct Target;
  void loop();
  double now() const;

  core::AlertmanagerConfig cfg_;
  LogFn log_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  core::AlertBook book_;
  std::vector<std::unique_ptr<Target>> targets_;
  bool stop_ = false;
  bool full_logged_ = false;
  std::size_t accepted_ = 0;
  std::thread thread_;
};

}  // namespace ctwatch::source
