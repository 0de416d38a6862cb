// SPDX-License-Identifier: GPL-2.0-only
// collectd adapter. Every extern "C" entry point is a noexcept trampoline:
// an exception must never unwind into collectd's C stack.

extern "C" {
#include "collectd.h"
#include "plugin.h"
}

#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <optional>

#include "collectd/adapter.hpp"
#include "core/config.hpp"
#include "core/metrics.hpp"
#include "source/monitor.hpp"

namespace ctwatch::collectd {
namespace {

// Set by the config callback, consumed by init. collectd calls config, init
// and shutdown from its main thread only (src/daemon/collectd.c).
std::optional<core::Config> g_config;
bool g_config_failed = false;

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
    auto cfg = core::parse_config(copy_config(ci));
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
  g_config.reset();
  g_config_failed = false;
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
