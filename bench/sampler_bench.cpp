// SPDX-License-Identifier: GPL-2.0-only
// The fast sampler's cost: one Monitor over N namespaces (the host plus the
// nsfs files given), one read() to open them, then `ticks` ticks of what the
// StatsInterval thread does (GET_STATS per namespace + the FillTrend
// estimate). CPU is the calling thread's (CLOCK_THREAD_CPUTIME_ID): netlink
// requests are answered in the sender's syscall, so the kernel's work is in
// it. Prints the cost per namespace per tick and, at StatsInterval 1, as a
// share of one CPU.
//
//   sampler-bench TICKS NSFS_PATH...
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "source/monitor.hpp"
#include "source/netlink_client.hpp"
#include "source/transport.hpp"

namespace {
double cpu_now() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}
double wall_now() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: sampler-bench TICKS [NSFS_PATH...]\n");
    return 2;
  }
  const int ticks = std::atoi(argv[1]);
  ctwatch::core::Config cfg;
  cfg.census = false;
  for (int i = 2; i < argc; ++i) cfg.namespaces.push_back({"b" + std::to_string(i - 1), argv[i]});
  int errors = 0;
  ctwatch::source::Monitor m(cfg, [&](ctwatch::source::LogLevel l, const std::string& s) {
    if (l <= ctwatch::source::LogLevel::Warning) {
      ++errors;
      std::fprintf(stderr, "%s\n", s.c_str());
    }
  });
  m.read();
  const auto n = m.labels().size();
  if (errors || n != cfg.namespaces.size() + 1) {
    std::fprintf(stderr, "FAIL: %zu of %zu namespaces open\n", n, cfg.namespaces.size() + 1);
    return 1;
  }
  // collectd's read of them all (GET_STATS + GET_STATS_CPU each; the first
  // read after start also read the tuning sysctls, refreshed once a minute).
  const int reads = 20;
  const double rc0 = cpu_now(), rw0 = wall_now();
  for (int i = 0; i < reads; ++i) m.read();
  const double read_cpu = (cpu_now() - rc0) / reads, read_wall = (wall_now() - rw0) / reads;
  // Fill the trends' windows first: the estimate costs most with full ones.
  for (int i = 0; i < 70; ++i) m.tick();
  const double c0 = cpu_now(), w0 = wall_now();
  for (int i = 0; i < ticks; ++i) m.tick();
  const double cpu = cpu_now() - c0, wall = wall_now() - w0;
  const double per = cpu / ticks / static_cast<double>(n);
  // The floor: a bare GET_STATS round trip (the kernel's part of a tick),
  // same thread, right after. tick / floor is what the sampler adds over
  // the syscall it cannot avoid, and does not depend on the machine's speed
  // the way the times do (docs/performance.md checks it).
  auto t = ctwatch::source::open_netlink(2.0);
  if (!t) {
    std::fprintf(stderr, "FAIL: netlink: %s\n", t.error().message.c_str());
    return 1;
  }
  ctwatch::source::NetlinkClient bare(std::move(*t));
  const int calls = std::max(ticks, 1000);
  const double b0 = cpu_now();
  for (int i = 0; i < calls; ++i)
    if (!bare.stats(std::chrono::steady_clock::now() + std::chrono::seconds(2))) {
      std::fprintf(stderr, "FAIL: GET_STATS failed\n");
      return 1;
    }
  const double floor = (cpu_now() - b0) / calls;
  std::printf("namespaces %zu  read: %.2f ms wall, %.2f ms cpu  tick: %.2f us cpu per namespace, %.1f us wall  "
              "at StatsInterval 1: %.4f %% of one CPU per namespace, %.3f %% for all\n",
              n, read_wall * 1e3, read_cpu * 1e3, per * 1e6, wall / ticks * 1e6, per * 100,
              per * 100 * static_cast<double>(n));
  std::printf("result %zu tick_per_namespace_over_get_stats %.2f (tick %.2f us, bare GET_STATS %.2f us)\n", n,
              per / floor, per * 1e6, floor * 1e6);
  std::printf("result %zu context read_wall_ms=%.2f tick_cpu_us=%.2f tick_wall_us=%.1f sampler_percent_all=%.4f\n", n,
              read_wall * 1e3, per * 1e6, wall / ticks * 1e6, per * 100 * static_cast<double>(n));
  return 0;
}
