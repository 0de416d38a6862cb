// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// The three ctnetlink requests ctwatch ever sends, all GETs:
//   IPCTNL_MSG_CT_GET_STATS      entries and max of the socket's namespace
//   IPCTNL_MSG_CT_GET_STATS_CPU  per-CPU counters (dump)
//   IPCTNL_MSG_CT_GET            the whole table (dump) for the census
// Each request is bounded by a deadline on top of the socket's per-recv
// timeout. After any failure the socket's state is unknown (a dump may still
// be in flight), so the client marks itself broken and the owner reopens it.

#include <chrono>
#include <memory>
#include <vector>

#include "core/census.hpp"
#include "core/result.hpp"
#include "core/stats.hpp"
#include "source/transport.hpp"

namespace ctwatch::source {

class NetlinkClient {
 public:
  explicit NetlinkClient(std::unique_ptr<Transport> t);

  core::Result<core::GlobalStats> stats(std::chrono::steady_clock::time_point deadline);
  core::Result<std::vector<core::CpuStats>> stats_cpu(std::chrono::steady_clock::time_point deadline);
  // One dump. With `peers`, the tally is cleared first, every entry is also
  // counted into it, and the result carries peers->top(). The tally is the
  // caller's, reused across censuses: the census allocates nothing per entry.
  core::Result<core::Census> census(std::chrono::steady_clock::time_point deadline,
                                    core::PeerTally* peers = nullptr);

  bool broken() const noexcept { return broken_; }

 private:
  template <class F>
  core::Status run(core::Request r, std::chrono::steady_clock::time_point deadline, F& on_message);

  std::unique_ptr<Transport> t_;
  // One heap buffer for the client's lifetime. Netlink dumps are built into
  // skbs of up to 32 KiB (netlink_recvmsg caps max_recvmsg_len), so 64 KiB
  // can never truncate; no VLA, no per-read allocation.
  std::vector<std::byte> buf_;
  std::uint32_t seq_ = 0;
  bool broken_ = false;
};

}  // namespace ctwatch::source
