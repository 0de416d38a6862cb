// SPDX-License-Identifier: GPL-2.0-only
// Fills a namespace to a lowered nf_conntrack_max and checks that the kernel's
// drop counter, as ctwatch reports it, increases. nf_conntrack_max is global:
// this test holds the ctest RESOURCE_LOCK nf_conntrack_max and restores the
// old value on scope exit. The limit applies to each namespace's own count
// (nf_conntrack_alloc compares cnet->count), so the host is not affected
// unless it already holds more entries than the lowered limit.
#include "boost_test.hpp"
#include "core/proc.hpp"
#include "integration/netns_fixture.hpp"
#include "source/monitor.hpp"

using namespace ctwatch;
using namespace ctwatch::test;

BOOST_AUTO_TEST_SUITE(KernelDrop)

BOOST_AUTO_TEST_CASE(full_table_increases_drop) {
  const auto host_count = core::parse_proc_uint(read_line("/proc/sys/net/netfilter/nf_conntrack_count")).value();
  const std::uint64_t limit = std::max<std::uint64_t>(2000, host_count * 2 + 1000);
  Netns ns("drop");
  ns.track();
  SysctlGuard guard("/proc/sys/net/netfilter/nf_conntrack_max", std::to_string(limit));
  // ESTABLISHED entries are assured, so early_drop cannot evict them.
  ns.fill("--ignore-full tcp:ESTABLISHED=" + std::to_string(limit));

  core::Config cfg;
  cfg.census = false;
  cfg.namespaces.push_back({"it", ns.path()});
  source::Monitor m(cfg, [](source::LogLevel, const std::string&) {});
  auto drops = [&]() -> std::uint64_t {
    for (const auto& r : m.read())
      if (r.label == "it") return r.snapshot.counters[static_cast<std::size_t>(core::Counter::Drop)].value();
    throw std::runtime_error("namespace it not reported");
  };
  const auto before = drops();
  const auto entries = [&]() -> std::uint64_t {
    for (const auto& r : m.read())
      if (r.label == "it") return r.snapshot.entries.value_or(0);
    return 0;
  }();
  BOOST_TEST(entries == limit);
  // New flows in the full namespace: each first packet needs a conntrack
  // entry, finds the table full, and is dropped (counted in `drop`).
  sh(ns.exec("python3 -c \"import socket\nfor p in range(20):\n s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
             " try: s.sendto(b'x', ('127.0.0.1', 20000+p))\n except OSError: pass\""));
  const auto after = drops();
  BOOST_TEST(after > before);
  BOOST_TEST_MESSAGE("drop went from " << before << " to " << after);
}

BOOST_AUTO_TEST_SUITE_END()  // KernelDrop
