// SPDX-License-Identifier: GPL-2.0-only
#include "core/counters.hpp"

#include <algorithm>

namespace ctwatch::core {

void CounterAccumulator::update(std::span<const CpuStats> cpus) {
  std::vector<Seen> next;
  next.reserve(cpus.size());
  for (const CpuStats& c : cpus) {
    const auto prev = std::lower_bound(seen_.begin(), seen_.end(), c.cpu,
                                       [](const Seen& s, std::uint16_t cpu) { return s.cpu < cpu; });
    const bool known = prev != seen_.end() && prev->cpu == c.cpu;
    for (std::size_t i = 0; i < kCounterCount; ++i) {
      const auto& v = c.counters[i];
      if (!v) continue;
      auto& total = totals_[i];
      if (!total) total = 0;
      if (known && prev->last[i]) {
        // Unsigned subtraction is the modulo-2^32 delta across a wrap.
        *total += static_cast<std::uint32_t>(*v - *prev->last[i]);
      } else if (!seeded_) {
        *total += *v;
      }
    }
    next.push_back(Seen{c.cpu, c.counters});
  }
  std::sort(next.begin(), next.end(), [](const Seen& a, const Seen& b) { return a.cpu < b.cpu; });
  // Duplicate CPU numbers would be a kernel bug; keep the first.
  next.erase(std::unique(next.begin(), next.end(),
                         [](const Seen& a, const Seen& b) { return a.cpu == b.cpu; }),
             next.end());
  seen_ = std::move(next);
  if (!cpus.empty()) seeded_ = true;
}

}  // namespace ctwatch::core
