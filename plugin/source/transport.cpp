// SPDX-License-Identifier: GPL-2.0-only
#include "source/transport.hpp"

#include <libmnl/libmnl.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <cerrno>
#include <cmath>
#include <string>

namespace ctwatch::source {
namespace {

class MnlTransport final : public Transport {
 public:
  explicit MnlTransport(mnl_socket* s) : s_(s) {}
  ~MnlTransport() override { mnl_socket_close(s_); }
  MnlTransport(const MnlTransport&) = delete;
  MnlTransport& operator=(const MnlTransport&) = delete;

  core::Status send(core::Bytes request) override {
    if (mnl_socket_sendto(s_, request.data(), request.size()) < 0)
      return core::Error{errno, "netlink sendto failed"};
    return core::Ok{};
  }

  core::Result<std::size_t> recv(std::span<std::byte> buf) override {
    for (;;) {
      // mnl_socket_recvfrom maps MSG_TRUNC to ENOSPC.
      const ssize_t n = mnl_socket_recvfrom(s_, buf.data(), buf.size());
      if (n >= 0) return static_cast<std::size_t>(n);
      if (errno == EINTR) continue;
      return core::Error{errno == EWOULDBLOCK ? EAGAIN : errno, "netlink recv failed"};
    }
  }

  std::uint32_t portid() const override { return mnl_socket_get_portid(s_); }

 private:
  mnl_socket* s_;
};

}  // namespace

core::Result<std::unique_ptr<Transport>> open_netlink(double timeout_seconds) {
  mnl_socket* s = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
  if (!s) return core::Error{errno, "cannot open a NETLINK_NETFILTER socket"};
  auto t = std::make_unique<MnlTransport>(s);
  if (mnl_socket_bind(s, 0, MNL_SOCKET_AUTOPID) < 0)
    return core::Error{errno, "cannot bind the netlink socket"};
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout_seconds);
  tv.tv_usec = static_cast<suseconds_t>((timeout_seconds - std::floor(timeout_seconds)) * 1e6);
  if (tv.tv_sec == 0 && tv.tv_usec == 0) tv.tv_usec = 1000;
  if (setsockopt(mnl_socket_get_fd(s), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0)
    return core::Error{errno, "cannot set SO_RCVTIMEO on the netlink socket"};
  // Netlink extended ACKs would echo our request; we only need the errno.
  int off = 0;
  setsockopt(mnl_socket_get_fd(s), SOL_NETLINK, NETLINK_CAP_ACK, &off, sizeof off);
  return std::unique_ptr<Transport>(std::move(t));
}

}  // namespace ctwatch::source
