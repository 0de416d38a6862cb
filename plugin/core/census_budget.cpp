// SPDX-License-Identifier: GPL-2.0-only
#include "core/census_budget.hpp"

#include <algorithm>

namespace ctwatch::core {

void CensusBudget::refill(double now) {
  if (last_ >= 0 && now > last_) balance_ = std::min(burst_, balance_ + (now - last_) * rate_);
  if (last_ < 0 || now > last_) last_ = now;
}

bool CensusBudget::may_start(double now) {
  refill(now);
  return balance_ >= 0;
}

void CensusBudget::charge(double cpu_seconds, double now) {
  refill(now);
  balance_ -= cpu_seconds;
}

double CensusBudget::wait(double now) {
  refill(now);
  return balance_ >= 0 ? 0 : -balance_ / rate_;
}

}  // namespace ctwatch::core
