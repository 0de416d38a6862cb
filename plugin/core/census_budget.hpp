// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// CensusBudget: a prepaid token bucket of CPU time. Tokens accrue at
// `percent`/100 CPU-seconds per wall-second. A census may start once the
// balance covers what the namespace's previous census cost (prepay), and is
// then charged what it actually cost. Prepaying, rather than going into debt
// after a burst, keeps any run that starts with the daemon under the budget
// too: with a 1M-entry table (~1.5 s per dump) the first census runs at once,
// the next only after the budget has paid for it again. So a 100k-entry table
// (~0.13 s) is censused every CensusInterval and a 1M table every ~150 s at
// the default 1 %: the long-run average never exceeds the budget, whatever
// the table size.

namespace ctwatch::core {

class CensusBudget {
 public:
  // percent: of one CPU; burst_seconds: the CPU time that can be saved up
  // beyond the cost of the census being paid for.
  CensusBudget(double percent, double burst_seconds)
      : rate_(percent / 100.0), cap_(burst_seconds), balance_(burst_seconds) {}

  // True when the balance covers `expected_cpu_seconds` (0 for a first census).
  bool may_start(double now, double expected_cpu_seconds = 0);
  void charge(double cpu_seconds, double now);
  // Seconds until may_start(now, expected) becomes true (0 when it is now).
  double wait(double now, double expected_cpu_seconds = 0);
  // The interval at which a census costing `cpu_seconds` can repeat.
  double sustainable_interval(double cpu_seconds) const { return cpu_seconds / rate_; }

 private:
  void refill(double now, double expected);
  double rate_;
  double cap_;  // max(burst, the largest expected cost asked for)
  double balance_;
  double last_ = -1;
};

}  // namespace ctwatch::core
