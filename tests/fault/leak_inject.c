// SPDX-License-Identifier: GPL-2.0-only
// Test-only: linked into ctwatch_leaky.so (the real plugin, built a second
// time with -Wl,--wrap=plugin_dispatch_values), never into ctwatch.so. Every
// value ctwatch dispatches from its read callback first leaks
// CTWATCH_TEST_LEAK_BYTES bytes (default 256), so the fault scenarios can
// prove that their leak and RSS checks catch a leak in the read path.
#include <stdlib.h>
#include <string.h>

struct value_list_s;
int __real_plugin_dispatch_values(const struct value_list_s* vl);
int __wrap_plugin_dispatch_values(const struct value_list_s* vl);

// Only the newest block stays reachable: each store loses the one before.
void* volatile ctwatch_test_leaked;

int __wrap_plugin_dispatch_values(const struct value_list_s* vl) {
  static size_t bytes = 0;
  if (bytes == 0) {
    const char* e = getenv("CTWATCH_TEST_LEAK_BYTES");
    bytes = e && atol(e) > 0 ? (size_t)atol(e) : 256;
  }
  void* p = malloc(bytes);
  if (p) memset(p, 0x5a, bytes);  // touched, so it counts in RSS too
  ctwatch_test_leaked = p;
  return __real_plugin_dispatch_values(vl);
}
