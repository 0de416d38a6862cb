// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// CensusBudget: a token bucket of CPU time. Tokens accrue at `percent`/100
// CPU-seconds per wall-second, up to a small burst; a census may start while
// the balance is not negative, and is charged what it actually cost. So a
// 100k-entry table (~0.13 s per dump) is censused every CensusInterval, and a
// 1M-entry table (~1.25 s) about every 125 s at the default 1 %: the long-run
// average never exceeds the budget, whatever the table size.

namespace ctwatch::core {

class CensusBudget {
 public:
  // percent: of one CPU; burst_seconds: the most CPU time that can be saved up.
  CensusBudget(double percent, double burst_seconds)
      : rate_(percent / 100.0), burst_(burst_seconds), balance_(burst_seconds) {}

  bool may_start(double now);
  void charge(double cpu_seconds, double now);
  // Seconds until may_start() becomes true (0 when it is true now).
  double wait(double now);
  // The interval at which a census costing `cpu_seconds` can repeat.
  double sustainable_interval(double cpu_seconds) const { return cpu_seconds / rate_; }

 private:
  void refill(double now);
  double rate_;
  double burst_;
  double balance_;
  double last_ = -1;
};

}  // namespace ctwatch::core
