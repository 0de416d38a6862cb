// SPDX-License-Identifier: GPL-2.0-only
// Test-only: a module that exports, next to module_register, two kinds of
// symbol that a filter on nm's T/D/B/W letters let through: read-only data
// (R) and a GNU unique object (u: a template's inline static member). The
// unit_symbols_selftest ctest expects symbols_test.sh to reject it.
template <class T>
struct Unique {
  static inline int counter = 0;
};

extern "C" __attribute__((visibility("default"))) const char ctwatch_leaked_rodata[] = "ro";

extern "C" __attribute__((visibility("default"))) void module_register(void) { ++Unique<int>::counter; }
