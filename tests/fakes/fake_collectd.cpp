// SPDX-License-Identifier: GPL-2.0-only
extern "C" {
#include "collectd.h"
#include "plugin.h"
}

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "fakes/fake_collectd.hpp"

namespace ctwatch::test {

FakeCollectd& fake_collectd() {
  static FakeCollectd f;
  return f;
}

void FakeCollectd::reset() {
  if (read_data) {
    auto* ud = static_cast<user_data_t*>(read_data);
    if (ud->free_func) {
      ud->free_func(ud->data);
      ++freed;
    }
    delete ud;
  }
  read_data = nullptr;
  read = nullptr;
  if (notification_data) {
    // collectd frees the notification callbacks after the shutdown callbacks.
    auto* ud = static_cast<user_data_t*>(notification_data);
    if (ud->free_func) ud->free_func(ud->data);
    delete ud;
  }
  notification_data = nullptr;
  notification = nullptr;
  values.clear();
  logs.clear();
  notifications.clear();
}

int FakeCollectd::run_read() {
  return read ? read(read_data) : -100;
}

}  // namespace ctwatch::test

using ctwatch::test::fake_collectd;

extern "C" {

int plugin_register_complex_config(const char*, int (*cb)(oconfig_item_t*)) {
  fake_collectd().config = reinterpret_cast<int (*)(void*)>(cb);
  return 0;
}
int plugin_register_init(const char*, plugin_init_cb cb) {
  fake_collectd().init = cb;
  return 0;
}
int plugin_register_shutdown(const char*, plugin_shutdown_cb cb) {
  fake_collectd().shutdown = cb;
  return 0;
}
int plugin_register_complex_read(const char*, const char* name, plugin_read_cb cb, cdtime_t,
                                 user_data_t const* ud) {
  auto& f = fake_collectd();
  f.read = reinterpret_cast<int (*)(void*)>(cb);
  f.read_name = name;
  f.read_data = new user_data_t(*ud);
  return 0;
}
int plugin_unregister_read(const char*) {
  auto& f = fake_collectd();
  if (f.read_data) {
    auto* ud = static_cast<user_data_t*>(f.read_data);
    if (ud->free_func) {
      ud->free_func(ud->data);
      ++f.freed;
    }
    delete ud;
    f.read_data = nullptr;
  }
  f.read = nullptr;
  return 0;
}
int plugin_dispatch_values(value_list_t const* vl) {
  ctwatch::test::DispatchedValue v;
  v.host = vl->host;
  v.plugin = vl->plugin;
  v.plugin_instance = vl->plugin_instance;
  v.type = vl->type;
  v.type_instance = vl->type_instance;
  v.gauge = vl->values[0].gauge;
  v.derive = vl->values[0].derive;
  v.interval = CDTIME_T_TO_DOUBLE(vl->interval);
  fake_collectd().values.push_back(v);
  return 0;
}
cdtime_t plugin_get_interval(void) { return TIME_T_TO_CDTIME_T_STATIC(10); }
void plugin_log(int, const char* fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  fake_collectd().logs.emplace_back(buf);
}

char fake_hostname[] = "fakehost";
char* hostname_g = fake_hostname;

int plugin_register_notification(const char*, plugin_notification_cb cb, user_data_t const* ud) {
  auto& f = fake_collectd();
  f.notification = reinterpret_cast<int (*)(const void*, void*)>(cb);
  f.notification_data = new user_data_t(*ud);
  return 0;
}
int plugin_dispatch_notification(const notification_t* n) {
  auto& f = fake_collectd();
  ctwatch::test::DispatchedNotification d;
  d.severity = n->severity;
  d.host = n->host;
  d.plugin = n->plugin;
  d.plugin_instance = n->plugin_instance;
  d.type = n->type;
  d.type_instance = n->type_instance;
  d.message = n->message;
  for (const notification_meta_t* m = n->meta; m; m = m->next)
    d.meta.emplace_back(m->name, m->type == NM_TYPE_STRING ? std::string(m->nm_value.nm_string)
                                                           : std::to_string(m->nm_value.nm_double));
  f.notifications.push_back(d);
  if (f.notification) f.notification(n, f.notification_data);
  return 0;
}
static int meta_add(notification_t* n, const char* name, notification_meta_t* m) {
  std::snprintf(m->name, sizeof m->name, "%s", name);
  notification_meta_t** tail = &n->meta;
  while (*tail) tail = &(*tail)->next;
  *tail = m;
  return 0;
}
int plugin_notification_meta_add_string(notification_t* n, const char* name, const char* value) {
  auto* m = static_cast<notification_meta_t*>(calloc(1, sizeof(notification_meta_t)));
  m->type = NM_TYPE_STRING;
  m->nm_value.nm_string = strdup(value);
  return meta_add(n, name, m);
}
int plugin_notification_meta_add_double(notification_t* n, const char* name, double value) {
  auto* m = static_cast<notification_meta_t*>(calloc(1, sizeof(notification_meta_t)));
  m->type = NM_TYPE_DOUBLE;
  m->nm_value.nm_double = value;
  return meta_add(n, name, m);
}
int plugin_notification_meta_free(notification_meta_t* n) {
  while (n) {
    notification_meta_t* next = n->next;
    if (n->type == NM_TYPE_STRING) free(const_cast<char*>(n->nm_value.nm_string));
    free(n);
    n = next;
  }
  return 0;
}
}
