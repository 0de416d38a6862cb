// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// The seam between ctnetlink request logic and the socket: request bytes go
// in, datagrams come out. NetlinkClient talks only to this interface, so
// unit tests replay captured datagrams through a fake (a socketpair cannot
// impersonate netlink under libmnl).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "core/netlink.hpp"
#include "core/result.hpp"

namespace ctwatch::source {

class Transport {
 public:
  virtual ~Transport() = default;
  virtual core::Status send(core::Bytes request) = 0;
  // One datagram into `buf`. Errors: EAGAIN when the receive timeout expired,
  // ENOSPC when the datagram was larger than `buf` (MSG_TRUNC).
  virtual core::Result<std::size_t> recv(std::span<std::byte> buf) = 0;
  // The socket's netlink port id, used to reject stray messages.
  virtual std::uint32_t portid() const = 0;
};

// A NETLINK_NETFILTER socket (libmnl) in the calling thread's network
// namespace, with SO_RCVTIMEO = timeout_seconds so no recv can pin a
// collectd read thread. Errors: EPROTONOSUPPORT without nfnetlink.
core::Result<std::unique_ptr<Transport>> open_netlink(double timeout_seconds);

}  // namespace ctwatch::source
