// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// Turns successive per-CPU u32 readings into monotonic 64-bit totals.
//
// The kernel keeps struct ip_conntrack_stat per CPU with u32 fields
// (include/linux/netfilter/nf_conntrack_common.h) and ctnetlink exports them
// as-is, so each field wraps at 2^32. Each update adds the modulo-2^32 delta
// since the previous reading of the same CPU. The first reading seeds the
// totals with the kernel's cumulative values, so a fresh plugin reports what
// `conntrack -S` would sum to. A CPU that appears later (hotplug) only sets a
// baseline; a CPU that vanishes keeps what it contributed.
//
// A counter is present in totals() once any CPU has reported it.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/stats.hpp"

namespace ctwatch::core {

using CounterTotals = std::array<std::optional<std::uint64_t>, kCounterCount>;

class CounterAccumulator {
 public:
  void update(std::span<const CpuStats> cpus);
  const CounterTotals& totals() const noexcept { return totals_; }

 private:
  struct Seen {
    std::uint16_t cpu;
    CounterValues last;
  };
  std::vector<Seen> seen_;  // sorted by cpu
  CounterTotals totals_{};
  bool seeded_ = false;
};

}  // namespace ctwatch::core
