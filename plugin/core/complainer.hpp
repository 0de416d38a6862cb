// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// Log-flood protection for failures that repeat every interval, after
// collectd's c_complain (src/utils/common/common.h, utils_complain.c): the
// first failure is logged, repeats are logged at doubling intervals up to a
// day, and the first success after a logged failure is logged once as
// "recovered". The clock is passed in, so the policy is unit-testable.

namespace ctwatch::core {

class Complainer {
 public:
  Complainer() = default;
  Complainer(double first_repeat_seconds, double max_repeat_seconds)
      : first_(first_repeat_seconds), max_(max_repeat_seconds) {}

  // A failure happened at `now` (seconds, any monotonic origin).
  // True when it should be logged.
  bool failure(double now);
  // A success happened. True once after a run of failures was logged.
  bool success();
  bool failing() const noexcept { return failing_; }

 private:
  double first_ = 60;
  double max_ = 86400;
  double next_ = 0;
  double repeat_ = 0;
  bool failing_ = false;
};

}  // namespace ctwatch::core
