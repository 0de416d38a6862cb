// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// A throwaway namespace holding a known table, made again when a fill fails.
//
// nf_conntrack_max is global, and other tests (tests/thresholds,
// tests/integration/drop_kernel_test.cpp) lower it for a moment, possibly
// from another build directory where ctest's RESOURCE_LOCK cannot see them:
// a fill that meets the lowered limit fails with ENOMEM, which ctwatch-fill
// reports as exit 3. That, and only that, is retried: any other failure is a
// real one and throws at once with ctwatch-fill's exit status (its message
// is on stderr). A failed fill leaves the table undefined
// (tools/ctwatch-fill/README.md), so only a fresh namespace gives the known
// table back.

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "integration/netns_fixture.hpp"

namespace ctwatch::test {

class FilledNetns {
 public:
  // fills: ctwatch-fill arguments, one run each, in order.
  FilledNetns(const std::string& tag, const std::vector<std::string>& fills, bool track = false) {
    for (int attempt = 1;; ++attempt) {
      ns_ = std::make_unique<Netns>(tag);
      if (track) ns_->track();
      int rc = 0;
      for (const auto& f : fills)
        if ((rc = sh(ns_->exec(fill_tool() + " --quiet " + f))) != 0) {
          if (rc != kTableFull)
            throw std::runtime_error("ctwatch-fill " + f + " exited " + std::to_string(rc) +
                                     " (not a full table: not retried)");
          break;
        }
      if (rc == 0) return;
      ns_.reset();
      if (attempt == kAttempts)
        throw std::runtime_error("ctwatch-fill failed " + std::to_string(kAttempts) + " times (nf_conntrack_max is " +
                                 read_line("/proc/sys/net/netfilter/nf_conntrack_max") + ")");
      std::fprintf(stderr, "fill failed (another test lowering nf_conntrack_max?); retrying in a new namespace\n");
      std::this_thread::sleep_for(std::chrono::seconds(3));
    }
  }
  const Netns& operator*() const { return *ns_; }
  const Netns* operator->() const { return ns_.get(); }

 private:
  static constexpr int kAttempts = 10;
  static constexpr int kTableFull = 3;  // ctwatch-fill's exit status for ENOMEM
  std::unique_ptr<Netns> ns_;
};

}  // namespace ctwatch::test
