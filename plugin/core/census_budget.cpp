// SPDX-License-Identifier: GPL-2.0-only
#include "core/census_budget.hpp"

#include <algorithm>

namespace ctwatch::core {

void CensusBudget::refill(double now, double expected) {
  // The cap must let the biggest census seen be paid for at all, and a
  // cheap census asking must not cut savings made for a big one.
  cap_ = std::max(cap_, expected);
  if (last_ >= 0 && now > last_) balance_ = std::min(cap_, balance_ + (now - last_) * rate_);
  if (last_ < 0 || now > last_) last_ = now;
}

bool CensusBudget::may_start(double now, double expected) {
  refill(now, expected);
  return balance_ >= expected;
}

void CensusBudget::charge(double cpu_seconds, double now) {
  refill(now, 0);
  balance_ -= cpu_seconds;
}

double CensusBudget::wait(double now, double expected) {
  refill(now, expected);
  return balance_ >= expected ? 0 : (expected - balance_) / rate_;
}

}  // namespace ctwatch::core
