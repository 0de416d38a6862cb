// SPDX-License-Identifier: GPL-2.0-only
// capture_netlink: records the raw datagrams the kernel answers to one of
// ctwatch's three GET requests, for replay in unit tests.
//
//   capture_netlink stats|stats_cpu|dump OUT.bin
//
// Run it inside the namespace to record (ip netns exec NS ...). The file is
// the received datagrams back to back; netlink datagrams are whole,
// NLMSG_ALIGNed messages, so the concatenation walks like one datagram.
// Uses the same Transport and request builder as the plugin.
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "core/netlink.hpp"
#include "source/transport.hpp"

using namespace ctwatch;

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s stats|stats_cpu|dump OUT.bin\n", argv[0]);
    return 2;
  }
  const std::string what = argv[1];
  core::Request r;
  if (what == "stats") r = core::Request::Stats;
  else if (what == "stats_cpu") r = core::Request::StatsCpu;
  else if (what == "dump") r = core::Request::Dump;
  else {
    std::fprintf(stderr, "unknown request %s\n", argv[1]);
    return 2;
  }
  auto t = source::open_netlink(2.0);
  if (!t) {
    std::fprintf(stderr, "%s: %s\n", t.error().message.c_str(), std::strerror(t.error().code));
    return 1;
  }
  std::array<std::byte, core::kRequestSize> req;
  core::build_request(r, 1, req);
  if (auto s = (*t)->send(req); !s) {
    std::fprintf(stderr, "send: %s\n", std::strerror(s.error().code));
    return 1;
  }
  std::ofstream out(argv[2], std::ios::binary);
  std::vector<std::byte> buf(64 * 1024);
  std::size_t datagrams = 0;
  for (;;) {
    auto n = (*t)->recv(buf);
    if (!n) {
      std::fprintf(stderr, "recv: %s\n", std::strerror(n.error().code));
      return 1;
    }
    out.write(reinterpret_cast<const char*>(buf.data()), static_cast<std::streamsize>(*n));
    ++datagrams;
    auto ignore = [](const core::Message&) {};
    const auto w = core::walk_messages(core::Bytes(buf.data(), *n), 1, 0, ignore);
    if (w.status != core::WalkStatus::More) break;
  }
  std::fprintf(stderr, "%s: %zu datagrams\n", argv[2], datagrams);
  return 0;
}
