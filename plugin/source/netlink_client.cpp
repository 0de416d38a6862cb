// SPDX-License-Identifier: GPL-2.0-only
#include "source/netlink_client.hpp"

#include <linux/netfilter/nfnetlink_conntrack.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace ctwatch::source {
namespace {

constexpr std::size_t kBufferSize = 64 * 1024;

bool is_ctnetlink(const core::Message& m) { return (m.type >> 8) == NFNL_SUBSYS_CTNETLINK; }

const char* request_name(core::Request r) {
  switch (r) {
    case core::Request::Stats: return "IPCTNL_MSG_CT_GET_STATS";
    case core::Request::StatsCpu: return "IPCTNL_MSG_CT_GET_STATS_CPU";
    case core::Request::Dump: return "IPCTNL_MSG_CT_GET dump";
  }
  return "?";
}

}  // namespace

NetlinkClient::NetlinkClient(std::unique_ptr<Transport> t) : t_(std::move(t)), buf_(kBufferSize) {}

template <class F>
core::Status NetlinkClient::run(core::Request r, std::chrono::steady_clock::time_point deadline,
                                F& on_message) {
  auto fail = [&](int code, std::string what) -> core::Status {
    broken_ = true;
    return core::Error{code, std::string(request_name(r)) + ": " + what};
  };
  if (broken_) return fail(EBADF, "socket unusable after an earlier failure");
  // A monotonic sequence number (not time(NULL)) so a late answer to an
  // abandoned request can never be mistaken for this one.
  if (++seq_ == 0) seq_ = 1;
  std::array<std::byte, core::kRequestSize> req;
  core::build_request(r, seq_, req);
  if (auto s = t_->send(req); !s) return fail(s.error().code, s.error().message);

  for (;;) {
    if (std::chrono::steady_clock::now() > deadline) return fail(ETIMEDOUT, "deadline exceeded");
    auto n = t_->recv(buf_);
    if (!n) {
      return fail(n.error().code, n.error().code == EAGAIN ? "no answer within Timeout"
                                                            : n.error().message);
    }
    const auto res = core::walk_messages(core::Bytes(buf_.data(), *n), seq_, t_->portid(), on_message);
    if (res.dump_intr) return fail(EINTR, "dump interrupted (NLM_F_DUMP_INTR)");
    switch (res.status) {
      case core::WalkStatus::More: continue;
      case core::WalkStatus::Done: return core::Ok{};
      case core::WalkStatus::Error:
        // The kernel answered cleanly; the socket stays usable.
        return core::Error{res.error, std::string(request_name(r)) + ": kernel replied with an error"};
      case core::WalkStatus::Malformed: return fail(EPROTO, "malformed netlink message");
    }
  }
}

core::Result<core::GlobalStats> NetlinkClient::stats(std::chrono::steady_clock::time_point deadline) {
  std::optional<core::GlobalStats> out;
  bool bad = false;
  auto on = [&](const core::Message& m) {
    if (!is_ctnetlink(m)) return;
    out = core::decode_stats_global(m.payload);
    if (!out) bad = true;
  };
  if (auto s = run(core::Request::Stats, deadline, on); !s) return s.error();
  if (bad || !out) return core::Error{EPROTO, "IPCTNL_MSG_CT_GET_STATS: no usable reply"};
  return *out;
}

core::Result<std::vector<core::CpuStats>> NetlinkClient::stats_cpu(
    std::chrono::steady_clock::time_point deadline) {
  std::vector<core::CpuStats> cpus;
  bool bad = false;
  auto on = [&](const core::Message& m) {
    if (!is_ctnetlink(m)) return;
    if (auto c = core::decode_stats_cpu(m.payload)) cpus.push_back(*c);
    else bad = true;
  };
  if (auto s = run(core::Request::StatsCpu, deadline, on); !s) return s.error();
  if (bad) return core::Error{EPROTO, "IPCTNL_MSG_CT_GET_STATS_CPU: malformed CPU message"};
  return cpus;
}

core::Result<core::Census> NetlinkClient::census(std::chrono::steady_clock::time_point deadline,
                                                 core::PeerTally* peers) {
  core::Census c;
  if (peers) peers->clear();
  auto on = [&](const core::Message& m) {
    if (is_ctnetlink(m)) core::census_add(c, m.payload, peers);
  };
  if (auto s = run(core::Request::Dump, deadline, on); !s) return s.error();
  if (peers) c.top_peers = peers->top();
  return c;
}

}  // namespace ctwatch::source
