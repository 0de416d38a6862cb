// SPDX-License-Identifier: GPL-2.0-only
// collectd adapter. Every extern "C" entry point is a noexcept trampoline:
// an exception must never unwind into collectd's C stack.

extern "C" {
#include "collectd.h"
#include "plugin.h"
}

#include <time.h>

#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <atomic>

#include "collectd/adapter.hpp"
#include "core/alertmanager.hpp"
#include "core/config.hpp"
#include "core/metrics.hpp"
#include "core/page_notifier.hpp"
#include "source/alert_sender.hpp"
#include "source/monitor.hpp"

namespace ctwatch::collectd {
namespace {

// Set by the config callback, consumed by init. collectd calls config, init
// and shutdown from its main thread only (src/daemon/collectd.c).
std::optional<core::Config> g_config;
bool g_config_failed = false;
// The push keys (PageNotifications, <Alertmanager>), taken out of the block
// before parse_config (core::take_push_config).
core::PushConfig g_push;
// The Alertmanager bridge, owned by its notification callback's user_data
// (collectd frees it after every shutdown callback ran: plugin.c,
// plugin_shutdown_all -> destroy_all_callbacks(&list_notification)). Set in
// init, cleared in shutdown, so the fast sampler (stopped in shutdown, when
// our read callback's State is freed) never sees a freed one.
std::atomic<source::AlertSender*> g_sender{nullptr};

void log_line(int level, const std::string& msg) noexcept {
  plugin_log(level, "%s plugin: %s", kPluginName, msg.c_str());
}

int to_collectd_level(source::LogLevel l) {
  switch (l) {
    case source::LogLevel::Error: return LOG_ERR;
    case source::LogLevel::Warning: return LOG_WARNING;
    case source::LogLevel::Notice: return LOG_NOTICE;
    case source::LogLevel::Info: return LOG_INFO;
    case source::LogLevel::Debug: return LOG_DEBUG;
  }
  return LOG_INFO;
}

core::ConfigItem copy_config(const oconfig_item_t* ci) {
  core::ConfigItem item;
  item.key = ci->key ? ci->key : "";
  for (int i = 0; i < ci->values_num; ++i) {
    const oconfig_value_t& v = ci->values[i];
    switch (v.type) {
      case OCONFIG_TYPE_STRING: item.values.emplace_back(std::string(v.value.string)); break;
      case OCONFIG_TYPE_NUMBER: item.values.emplace_back(v.value.number); break;
      case OCONFIG_TYPE_BOOLEAN: item.values.emplace_back(v.value.boolean != 0); break;
      default: break;
    }
  }
  for (int i = 0; i < ci->children_num; ++i) item.children.push_back(copy_config(&ci->children[i]));
  return item;
}

// Bounded copy that always terminates (collectd's sstrncpy lives in
// utils/common, which the daemon does not promise to export).
void copy_name(char (&dst)[DATA_MAX_NAME_LEN], const char* src) {
  std::strncpy(dst, src, DATA_MAX_NAME_LEN - 1);
  dst[DATA_MAX_NAME_LEN - 1] = '\0';
}

struct State {
  source::Monitor monitor;
};

void dispatch(const std::string& label, const core::Metric& m) {
  value_t value;
  if (m.kind == core::ValueKind::Derive) value.derive = m.derive;
  else value.gauge = m.gauge;
  value_list_t vl = VALUE_LIST_INIT;
  vl.values = &value;
  vl.values_len = 1;
  // interval 0: collectd fills in the read interval of this callback.
  if (m.interval > 0) vl.interval = DOUBLE_TO_CDTIME_T(m.interval);
  copy_name(vl.plugin, kPluginName);
  copy_name(vl.plugin_instance, label.c_str());
  copy_name(vl.type, std::string(m.type).c_str());
  copy_name(vl.type_instance, m.type_instance.c_str());
  plugin_dispatch_values(&vl);
}

double unix_now() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// A collectd notification as the pure bridge reads it.
core::Notification to_core(const notification_t* n) {
  core::Notification c;
  c.severity = n->severity == NOTIF_FAILURE   ? core::Notification::Severity::Failure
               : n->severity == NOTIF_WARNING ? core::Notification::Severity::Warning
                                              : core::Notification::Severity::Okay;
  c.time = n->time ? CDTIME_T_TO_DOUBLE(n->time) : unix_now();
  c.host = n->host;
  c.plugin = n->plugin;
  c.plugin_instance = n->plugin_instance;
  c.type = n->type;
  c.type_instance = n->type_instance;
  c.message = n->message;
  for (const notification_meta_t* m = n->meta; m; m = m->next) {
    switch (m->type) {
      case NM_TYPE_STRING: c.meta[m->name] = m->nm_value.nm_string ? m->nm_value.nm_string : ""; break;
      case NM_TYPE_SIGNED_INT: c.meta[m->name] = std::to_string(m->nm_value.nm_signed_int); break;
      case NM_TYPE_UNSIGNED_INT: c.meta[m->name] = std::to_string(m->nm_value.nm_unsigned_int); break;
      case NM_TYPE_DOUBLE: c.meta[m->name] = std::to_string(m->nm_value.nm_double); break;
      case NM_TYPE_BOOLEAN: c.meta[m->name] = m->nm_value.nm_boolean ? "true" : "false"; break;
    }
  }
  return c;
}

// The bridge's notification callback. collectd calls it in the thread that
// dispatched the notification (plugin.c, plugin_dispatch_notification); it
// only hands the notification to the sender's queue.
int notification_cb(const notification_t* n, user_data_t* ud) noexcept {
  try {
    static_cast<source::AlertSender*>(ud->data)->notify(to_core(n));
    return 0;
  } catch (const std::exception& e) {
    log_line(LOG_ERR, std::string("Alertmanager bridge: ") + e.what());
  } catch (...) {
    log_line(LOG_ERR, "Alertmanager bridge: unknown exception");
  }
  return -1;
}

void free_sender(void* p) noexcept { delete static_cast<source::AlertSender*>(p); }

// A page decision of the fast sampler (or a read) -> a collectd notification:
// FAILURE when it fires, OKAY when it resolves, at the tick that decided it.
// Dispatching from our own thread is safe: plugin_dispatch_notification
// (collectd 5.12 src/daemon/plugin.c) takes no lock and only walks
// list_notification, which is written only while collectd configures,
// initialises and shuts down (plugin_register_notification, and
// destroy_all_callbacks after every shutdown callback, i.e. after our fast
// sampler is joined); each callback runs in the dispatching thread, as for
// the threshold plugin's notifications from the write threads and exec's
// from its own, so every notification consumer is thread-safe already.
// An Update (the evidence census came in) is no new state: it only
// refreshes the bridge's alert description, without a second FAILURE for
// the other consumers.
void dispatch_page(const std::string& label, const core::PageEvent& e) noexcept {
  try {
    notification_t n{};
    n.severity = e.kind == core::PageEvent::Kind::Resolve ? NOTIF_OKAY : NOTIF_FAILURE;
    n.time = DOUBLE_TO_CDTIME_T(unix_now());
    std::strncpy(n.message, e.message.c_str(), sizeof n.message - 1);
    copy_name(n.host, hostname_g ? hostname_g : "");
    copy_name(n.plugin, kPluginName);
    copy_name(n.plugin_instance, label.c_str());
    copy_name(n.type, "conntrack");
    const std::string alertname(core::page_alert_name(e.alert));
    copy_name(n.type_instance, alertname.c_str());
    plugin_notification_meta_add_string(&n, core::kMetaAlertname, alertname.c_str());
    plugin_notification_meta_add_string(&n, core::kMetaSeverity, std::string(core::kPageSeverity).c_str());
    if (!e.counter.empty()) plugin_notification_meta_add_string(&n, core::kMetaCounter, e.counter.c_str());
    plugin_notification_meta_add_double(&n, "fill", e.fill);
    if (e.seconds_to_full) plugin_notification_meta_add_double(&n, "seconds_to_full", *e.seconds_to_full);
    if (e.kind == core::PageEvent::Kind::Update) {
      if (auto* s = g_sender.load()) {
        core::Notification c = to_core(&n);
        c.message = e.message;  // not cut at NOTIF_MAX_MSG_LEN: it never goes through collectd
        s->notify(c);
      }
    } else {
      plugin_dispatch_notification(&n);
    }
    if (n.meta) plugin_notification_meta_free(n.meta);
  } catch (const std::exception& ex) {
    log_line(LOG_ERR, std::string("page notification failed: ") + ex.what());
  } catch (...) {
    log_line(LOG_ERR, "page notification failed: unknown exception");
  }
}

int read_cb(user_data_t* ud) noexcept {
  try {
    auto* st = static_cast<State*>(ud->data);
    const auto reports = st->monitor.read();
    for (const auto& r : reports) {
      auto metrics = core::to_metrics(r.snapshot);
      // A census that is declared for a longer period than our read
      // interval must not be declared shorter than it.
      const double read_iv = CDTIME_T_TO_DOUBLE(plugin_get_interval());
      for (auto& m : metrics) {
        if (m.interval > 0 && m.interval < read_iv) m.interval = read_iv;
        dispatch(r.label, m);
      }
    }
    // The plugin's own values go out with the host namespace's label: an
    // empty plugin_instance would make write_prometheus put the
    // type_instance into the `ctwatch` label (write_prometheus.c,
    // metric_create_labels), where it would read as a namespace.
    for (const auto& m : core::to_metrics(st->monitor.health())) dispatch(std::string(core::kHostLabel), m);
    return 0;
  } catch (const std::exception& e) {
    log_line(LOG_ERR, std::string("read failed: ") + e.what());
  } catch (...) {
    log_line(LOG_ERR, "read failed: unknown exception");
  }
  return -1;
}

void free_state(void* p) noexcept { delete static_cast<State*>(p); }

int config_cb(oconfig_item_t* ci) noexcept {
  try {
    if (g_config) {
      log_line(LOG_ERR, "the <Plugin ctwatch> block appears twice; merge them into one");
      g_config_failed = true;
      return -1;
    }
    core::ConfigItem item = copy_config(ci);
    auto push = core::take_push_config(item);
    if (!push) {
      log_line(LOG_ERR, push.error().message);
      g_config_failed = true;
      return -1;
    }
    g_push = std::move(*push);
    auto cfg = core::parse_config(item);
    if (!cfg) {
      log_line(LOG_ERR, cfg.error().message);
      g_config_failed = true;
      return -1;
    }
    g_config = std::move(*cfg);
    return 0;
  } catch (const std::exception& e) {
    log_line(LOG_ERR, std::string("config failed: ") + e.what());
  } catch (...) {
    log_line(LOG_ERR, "config failed: unknown exception");
  }
  g_config_failed = true;
  return -1;
}

int init_cb() noexcept {
  try {
    if (g_config_failed) return -1;
    if (!g_config) g_config = core::Config{};  // LoadPlugin without a <Plugin> block: defaults
    auto* st = new State{source::Monitor(*g_config, [](source::LogLevel l, const std::string& m) {
      log_line(to_collectd_level(l), m);
    })};
    user_data_t ud{};
    ud.data = st;
    ud.free_func = free_state;
    // Registered here rather than in module_register: if init fails there is
    // no read callback to unregister (plugin.c unloads reads by name only).
    if (plugin_register_complex_read(nullptr, kPluginName, read_cb, 0, &ud) != 0) {
      delete st;
      log_line(LOG_ERR, "cannot register the read callback");
      return -1;
    }
    if (g_push.alertmanager) {
      auto sender = std::make_unique<source::AlertSender>(
          *g_push.alertmanager, [](source::LogLevel l, const std::string& m) { log_line(to_collectd_level(l), m); });
      user_data_t nud{};
      nud.data = sender.get();
      nud.free_func = free_sender;
      if (plugin_register_notification(kPluginName, notification_cb, &nud) != 0) {
        log_line(LOG_ERR, "cannot register the Alertmanager bridge's notification callback");
        plugin_unregister_read(kPluginName);
        return -1;
      }
      sender->start();
      g_sender = sender.release();
      std::string urls;
      for (const auto& u : g_push.alertmanager->urls) urls += (urls.empty() ? "" : ", ") + u;
      log_line(LOG_INFO, "Alertmanager bridge: sending ctwatch's page notifications and the threshold plugin's "
                         "ctwatch notifications to " + urls);
    }
    if (g_push.notifications) st->monitor.set_page_sink(dispatch_page);
    // The fast sampler (StatsInterval); stopped when collectd frees State.
    st->monitor.start();
    return 0;
  } catch (const std::exception& e) {
    log_line(LOG_ERR, std::string("init failed: ") + e.what());
  } catch (...) {
    log_line(LOG_ERR, "init failed: unknown exception");
  }
  return -1;
}

int shutdown_cb() noexcept {
  // collectd frees the read callback's user_data (our State) itself when it
  // destroys the read list after shutdown; unregistering here would free it
  // earlier, which is equally fine and makes repeated shutdowns harmless.
  plugin_unregister_read(kPluginName);
  // The fast sampler is joined now; the sender itself is freed by collectd
  // with the notification callbacks (free_sender).
  g_sender = nullptr;
  g_config.reset();
  g_config_failed = false;
  g_push = {};
  return 0;
}

}  // namespace
}  // namespace ctwatch::collectd

extern "C" __attribute__((visibility("default"))) void module_register(void) {
  using namespace ctwatch::collectd;
  plugin_register_complex_config(kPluginName, config_cb);
  plugin_register_init(kPluginName, init_cb);
  plugin_register_shutdown(kPluginName, shutdown_cb);
}
