// SPDX-License-Identifier: GPL-2.0-only
#include "source/alert_sender.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>

#include "source/quiet_thread.hpp"

namespace ctwatch::source {
namespace {

double unix_now() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Keeps the first bytes of a response (for the log line of a rejected POST).
size_t keep_some(char* data, size_t size, size_t n, void* user) {
  auto* s = static_cast<std::string*>(user);
  const size_t len = size * n;
  if (s->size() < 200) s->append(data, std::min(len, 200 - s->size()));
  return len;
}

}  // namespace

struct AlertSender::Target {
  std::string url;                 // base URL as configured
  std::string endpoint;            // url + /api/v2/alerts
  CURL* curl = nullptr;            // reused: keeps the connection alive
  curl_slist* headers = nullptr;
  core::Backoff backoff;
  ~Target() {
    if (curl) curl_easy_cleanup(curl);
    if (headers) curl_slist_free_all(headers);
  }
};

AlertSender::AlertSender(core::AlertmanagerConfig cfg, LogFn log)
    : cfg_(std::move(cfg)), log_(std::move(log)), book_(cfg_.resend_interval, cfg_.max_alerts, cfg_.urls.size()) {
  // Thread-safe since libcurl 7.84 (CURL_VERSION_THREADSAFE); we call it
  // from collectd's init anyway, before any read thread runs
  // (src/daemon/collectd.c: plugin_init_all, then the read threads).
  curl_global_init(CURL_GLOBAL_DEFAULT);
  for (const auto& u : cfg_.urls) {
    auto t = std::make_unique<Target>();
    t->url = u;
    t->endpoint = u + "/api/v2/alerts";
    t->curl = curl_easy_init();
    if (!t->curl) throw std::runtime_error("curl_easy_init failed");
    t->headers = curl_slist_append(nullptr, "Content-Type: application/json");
    CURL* c = t->curl;
    curl_easy_setopt(c, CURLOPT_URL, t->endpoint.c_str());
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, t->headers);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM: signals stay collectd's
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(cfg_.timeout * 1000));
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::min(cfg_.timeout, 3.0) * 1000));
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "ctwatch-collectd-plugin");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, keep_some);
    if (!cfg_.ca_cert.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, cfg_.ca_cert.c_str());
    if (!cfg_.client_cert.empty()) {
      curl_easy_setopt(c, CURLOPT_SSLCERT, cfg_.client_cert.c_str());
      curl_easy_setopt(c, CURLOPT_SSLKEY, cfg_.client_key.c_str());
    }
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, cfg_.verify_peer ? 1L : 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, cfg_.verify_peer ? 2L : 0L);
    if (!cfg_.user.empty()) {
      curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
      curl_easy_setopt(c, CURLOPT_USERNAME, cfg_.user.c_str());
      curl_easy_setopt(c, CURLOPT_PASSWORD, cfg_.password.c_str());
    }
    targets_.push_back(std::move(t));
  }
}

AlertSender::~AlertSender() {
  stop();
  targets_.clear();
  curl_global_cleanup();
}

double AlertSender::now() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

void AlertSender::start() {
  if (thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lk(mu_);
    stop_ = false;
  }
  thread_ = start_quiet_thread([this] { loop(); });  // signals stay collectd's
}

void AlertSender::stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lk(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

std::size_t AlertSender::posts_accepted() const {
  std::lock_guard<std::mutex> lk(mu_);
  return accepted_;
}

void AlertSender::notify(const core::Notification& n) {
  auto u = core::alert_from_notification(n, cfg_);
  if (!u) return;
  bool dropped = false;
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (!book_.apply(*u, now())) {
      dropped = !full_logged_;
      full_logged_ = true;
    } else if (u->firing) {
      full_logged_ = false;
    }
  }
  if (dropped)
    log_(LogLevel::Warning, "Alertmanager bridge: " + std::to_string(cfg_.max_alerts) +
                                " alerts are firing (MaxAlerts); dropped " + u->labels["alertname"] + " for " +
                                u->labels["ctwatch"] + " (logged once until one resolves)");
  cv_.notify_all();
}

void AlertSender::loop() {
  std::unique_lock<std::mutex> lk(mu_);
  while (!stop_) {
    const double t = now();
    // One POST per target that is due and not backing off; the lock is
    // released while it runs, so notify() never waits for the network.
    bool posted = false;
    for (std::size_t i = 0; i < targets_.size() && !stop_; ++i) {
      Target& tg = *targets_[i];
      if (!book_.due(i, t) || (tg.backoff.failing() && tg.backoff.next_attempt() > t)) continue;
      std::uint64_t gen = 0;
      const std::string body = book_.body(unix_now(), &gen);
      const std::size_t count = book_.size();
      lk.unlock();
      std::string response;
      curl_easy_setopt(tg.curl, CURLOPT_POSTFIELDS, body.c_str());
      curl_easy_setopt(tg.curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
      curl_easy_setopt(tg.curl, CURLOPT_WRITEDATA, &response);
      const CURLcode rc = curl_easy_perform(tg.curl);
      long status = 0;
      curl_easy_getinfo(tg.curl, CURLINFO_RESPONSE_CODE, &status);
      const double done = now();
      lk.lock();
      posted = true;
      if (rc == CURLE_OK && status >= 200 && status < 300) {
        book_.accepted(i, gen, done);
        ++accepted_;
        if (tg.backoff.success()) {
          char buf[64];
          std::snprintf(buf, sizeof buf, "%.0f s", done - tg.backoff.failing_since());
          lk.unlock();
          log_(LogLevel::Info, "Alertmanager " + tg.url + " accepts alerts again (recovered after " + buf + "); sent " +
                                   std::to_string(count) + " alert(s)");
          lk.lock();
        }
        continue;
      }
      const std::string why = rc != CURLE_OK ? curl_easy_strerror(rc)
                                             : "HTTP " + std::to_string(status) + (response.empty() ? "" : ": " + response);
      if (tg.backoff.failure(done)) {
        lk.unlock();
        log_(LogLevel::Warning, "Alertmanager " + tg.url + " failed (" + why + "); " + std::to_string(count) +
                                    " alert(s) kept and retried every 1 to 60 s; logged once until it recovers");
        lk.lock();
      }
    }
    if (posted) continue;  // look again: something may have changed meanwhile
    // Sleep until the next resend, the next retry of a failing target that
    // has something to send, or notify().
    std::optional<double> wake;
    for (std::size_t i = 0; i < targets_.size(); ++i) {
      const Target& tg = *targets_[i];
      std::optional<double> at = book_.next_due(i, t);
      if (at && tg.backoff.failing()) at = std::max(*at, tg.backoff.next_attempt());
      if (at && (!wake || *at < *wake)) wake = at;
    }
    const double wait = wake ? std::clamp(*wake - t, 0.01, 3600.0) : 3600.0;
    cv_.wait_for(lk, std::chrono::duration<double>(wait));
  }
}

}  // namespace ctwatch::source
