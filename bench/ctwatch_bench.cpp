// SPDX-License-Identifier: GPL-2.0-only
// ctwatch-bench: the census and the stats path against a raw dump, measured
// side by side (interleaved rounds, medians) in the calling namespace.
//
//   ip netns exec NS ctwatch-bench [--rounds N] [--stats-calls N]
//
// (a) raw:    IPCTNL_MSG_CT_GET dump, datagrams received and only the
//             nlmsghdr chain walked to find NLMSG_DONE;
// (b) census: NetlinkClient::census, the code path the plugin runs;
// stats:      GET_STATS + GET_STATS_CPU per call, as every plugin read does.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "core/netlink.hpp"
#include "source/netlink_client.hpp"
#include "source/transport.hpp"

using namespace ctwatch;
using Clock = std::chrono::steady_clock;

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

std::unique_ptr<source::Transport> open_or_die() {
  auto t = source::open_netlink(10.0);
  if (!t) {
    std::fprintf(stderr, "netlink: %s: %s\n", t.error().message.c_str(), std::strerror(t.error().code));
    std::exit(1);
  }
  return std::move(*t);
}

// Returns entries seen (messages), or -1.
long raw_dump(source::Transport& t, std::vector<std::byte>& buf, std::uint32_t seq) {
  std::array<std::byte, core::kRequestSize> req;
  core::build_request(core::Request::Dump, seq, req);
  if (!t.send(req)) return -1;
  long msgs = 0;
  for (;;) {
    auto n = t.recv(buf);
    if (!n) return -1;
    std::size_t off = 0;
    while (*n - off >= NLMSG_HDRLEN) {
      nlmsghdr h;
      std::memcpy(&h, buf.data() + off, sizeof h);
      if (h.nlmsg_type == NLMSG_DONE || h.nlmsg_type == NLMSG_ERROR) return msgs;
      ++msgs;
      if (h.nlmsg_len < NLMSG_HDRLEN) return -1;
      off += NLMSG_ALIGN(h.nlmsg_len);
      if (off > *n) break;
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  int rounds = 7;
  int stats_calls = 2000;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--rounds" && i + 1 < argc) rounds = std::stoi(argv[++i]);
    else if (a == "--stats-calls" && i + 1 < argc) stats_calls = std::stoi(argv[++i]);
    else {
      std::fprintf(stderr, "usage: %s [--rounds N] [--stats-calls N]\n", argv[0]);
      return 2;
    }
  }
  auto raw_t = open_or_die();
  std::vector<std::byte> buf(64 * 1024);
  source::NetlinkClient census(open_or_die());
  source::NetlinkClient stats(open_or_die());

  std::vector<double> raw_s, census_s;
  long entries = 0;
  std::uint64_t census_entries = 0;
  for (int r = 0; r < rounds; ++r) {
    // Alternate the order so neither path always runs on a warmer cache.
    for (int k = 0; k < 2; ++k) {
      const bool do_raw = (r + k) % 2 == 0;
      const auto t0 = Clock::now();
      if (do_raw) {
        entries = raw_dump(*raw_t, buf, static_cast<std::uint32_t>(r * 2 + k + 1));
        if (entries < 0) return 1;
        raw_s.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
      } else {
        auto c = census.census(Clock::now() + std::chrono::seconds(60));
        if (!c) {
          std::fprintf(stderr, "census: %s\n", c.error().message.c_str());
          return 1;
        }
        census_entries = c->entries;
        census_s.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
      }
    }
  }
  const auto s0 = Clock::now();
  for (int i = 0; i < stats_calls; ++i) {
    const auto dl = Clock::now() + std::chrono::seconds(2);
    if (!stats.stats(dl) || !stats.stats_cpu(dl)) return 1;
  }
  const double per_stats = std::chrono::duration<double>(Clock::now() - s0).count() / stats_calls;
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);

  const double raw = median(raw_s), cen = median(census_s);
  std::printf("entries            %ld (census counted %llu)\n", entries, static_cast<unsigned long long>(census_entries));
  std::printf("rounds             %d (interleaved, medians)\n", rounds);
  std::printf("(a) raw dump       %.4f s  %.3f us/entry  1.000x\n", raw, entries ? raw / static_cast<double>(entries) * 1e6 : 0.0);
  std::printf("(b) ctwatch census %.4f s  %.3f us/entry  %.3fx\n", cen, entries ? cen / static_cast<double>(entries) * 1e6 : 0.0, raw > 0 ? cen / raw : 0.0);
  std::printf("stats path         %.1f us per read (GET_STATS + GET_STATS_CPU, %d calls)\n", per_stats * 1e6, stats_calls);
  std::printf("peak RSS           %ld KiB\n", ru.ru_maxrss);
  return 0;
}
