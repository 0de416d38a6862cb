// SPDX-License-Identifier: GPL-2.0-only
#include "core/complainer.hpp"

#include <algorithm>

namespace ctwatch::core {

bool Complainer::failure(double now) {
  if (!failing_) {
    failing_ = true;
    repeat_ = first_;
    next_ = now + repeat_;
    return true;
  }
  if (now < next_) return false;
  repeat_ = std::min(repeat_ * 2, max_);
  next_ = now + repeat_;
  return true;
}

bool Complainer::success() {
  const bool was = failing_;
  failing_ = false;
  return was;
}

}  // namespace ctwatch::core
