// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// A recording stand-in for the collectd daemon symbols the adapter uses
// (collectd's own plugin_mock.c idea): registrations, dispatched value
// lists and log lines, so adapter tests can drive the whole lifecycle.

#include <cstdint>
#include <string>
#include <vector>

namespace ctwatch::test {

struct DispatchedValue {
  std::string host, plugin, plugin_instance, type, type_instance;
  double gauge = 0;
  std::int64_t derive = 0;
  double interval = 0;  // seconds
};

struct DispatchedNotification {
  int severity = 0;
  std::string host, plugin, plugin_instance, type, type_instance, message;
  std::vector<std::pair<std::string, std::string>> meta;  // name, value printed
};

struct FakeCollectd {
  int (*config)(void*) = nullptr;  // oconfig_item_t*
  int (*init)() = nullptr;
  int (*shutdown)() = nullptr;
  int (*read)(void*) = nullptr;    // user_data_t*
  void* read_data = nullptr;       // user_data_t copy (owned by the fake)
  std::string read_name;
  std::vector<DispatchedValue> values;
  std::vector<std::string> logs;
  std::vector<DispatchedNotification> notifications;
  int (*notification)(const void*, void*) = nullptr;  // (const notification_t*, user_data_t*)
  void* notification_data = nullptr;                  // user_data_t copy (owned by the fake)
  int freed = 0;
  void reset();
  int run_read();
};

FakeCollectd& fake_collectd();

}  // namespace ctwatch::test
