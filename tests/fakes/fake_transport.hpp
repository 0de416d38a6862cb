// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// A function-backed Transport (mdlayher/netlink's nltest idea): each send()
// is handed to `on_send`, which returns the datagrams the "kernel" answers.
// Records every request so tests can assert what was sent.

#include <cerrno>
#include <cstring>
#include <deque>
#include <functional>
#include <vector>

#include "source/transport.hpp"
#include "support/nl_builder.hpp"

namespace ctwatch::test {

class FakeTransport final : public source::Transport {
 public:
  using Handler = std::function<std::vector<Buf>(const nlmsghdr& request)>;
  explicit FakeTransport(Handler h, std::vector<nlmsghdr>* sent = nullptr) : h_(std::move(h)), sent_(sent) {}

  core::Status send(core::Bytes request) override {
    nlmsghdr h;
    if (request.size() < sizeof h) return core::Error{EINVAL, "short request"};
    std::memcpy(&h, request.data(), sizeof h);
    if (sent_) sent_->push_back(h);
    for (auto& d : h_(h)) queue_.push_back(std::move(d));
    return core::Ok{};
  }

  core::Result<std::size_t> recv(std::span<std::byte> buf) override {
    if (queue_.empty()) return core::Error{EAGAIN, "timeout"};
    Buf d = std::move(queue_.front());
    queue_.pop_front();
    if (d.empty()) return core::Error{EAGAIN, "timeout"};  // an empty datagram = "never answers"
    if (d.size() > buf.size()) return core::Error{ENOSPC, "truncated"};
    std::memcpy(buf.data(), d.data(), d.size());
    return d.size();
  }

  std::uint32_t portid() const override { return 0; }

 private:
  Handler h_;
  std::vector<nlmsghdr>* sent_;
  std::deque<Buf> queue_;
};

}  // namespace ctwatch::test
