// SPDX-License-Identifier: GPL-2.0-only
// The fast sampler and the evidence census against the real kernel, in a
// throwaway namespace. The page condition needs a table at least 80 % full,
// so these tests lower the global nf_conntrack_max (RESOURCE_LOCK
// nf_conntrack_max, restored on scope exit); the limit applies to each
// namespace's own count, so the host is not affected (drop_kernel_test.cpp).
#include <chrono>
#include <cmath>
#include <thread>

#include "boost_test.hpp"
#include "core/proc.hpp"
#include "integration/netns_fixture.hpp"
#include "source/monitor.hpp"

using namespace ctwatch;
using namespace ctwatch::test;

namespace {

struct Logs {
  std::mutex mu;
  std::vector<std::string> lines;
  source::LogFn fn() {
    return [this](source::LogLevel l, const std::string& s) {
      std::lock_guard<std::mutex> lk(mu);
      lines.push_back((l == source::LogLevel::Notice ? "NOTICE " : "") + s);
    };
  }
  std::vector<std::string> matching(const std::string& needle) {
    std::lock_guard<std::mutex> lk(mu);
    std::vector<std::string> out;
    for (const auto& l : lines)
      if (l.find(needle) != std::string::npos) out.push_back(l);
    return out;
  }
};

const core::Snapshot* find(const std::vector<source::NamespaceReport>& r, const std::string& label) {
  for (const auto& x : r)
    if (x.label == label) return &x.snapshot;
  return nullptr;
}

// Censuses of namespace "it" only when due hourly (or as evidence), as the
// budget spaces them out on a million-entry table.
core::Config evidence_config(const Netns& ns, double stats_interval = 1) {
  core::Config cfg;
  cfg.namespaces.push_back({"it", ns.path()});
  cfg.namespace_census = true;
  cfg.census_interval = 3600;
  cfg.census_budget = 0.01;
  cfg.stats_interval = stats_interval;
  return cfg;
}

std::uint64_t lowered_limit() {
  const auto host = core::parse_proc_uint(read_line("/proc/sys/net/netfilter/nf_conntrack_count")).value();
  return std::max<std::uint64_t>(4000, host * 2 + 1000);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(KernelFast)

// Ticks between two reads see a growing table: the read reports the peak
// of all of them and a finite time to full; the growth it implies is the
// one the table really had.
BOOST_AUTO_TEST_CASE(ticks_give_peak_and_time_to_full) {
  Netns ns("fast");
  core::Config cfg;
  cfg.census = false;
  cfg.namespaces.push_back({"it", ns.path()});
  source::Monitor m(cfg, [](source::LogLevel, const std::string&) {});
  m.read();
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 1; i <= 12; ++i) {
    ns.fill("--base-src 198.18." + std::to_string(i) + ".1 udp=300");
    m.tick();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const auto reads = m.read();
  const auto* s = find(reads, "it");
  BOOST_REQUIRE(s);
  BOOST_TEST(*s->entries == 3600u);
  BOOST_TEST(*s->peak_entries == 3600u);
  BOOST_REQUIRE(s->seconds_to_full.has_value());
  BOOST_REQUIRE(std::isfinite(*s->seconds_to_full));
  // 3600 entries in `secs`: the estimate implies about that growth.
  const double growth = static_cast<double>(*s->max_entries - *s->entries) / *s->seconds_to_full;
  BOOST_TEST_MESSAGE("growth " << growth << "/s, filled at " << 3600 / secs << "/s, ttf " << *s->seconds_to_full);
  BOOST_TEST(growth > 0.5 * 3600 / secs);
  BOOST_TEST(growth < 2.0 * 3600 / secs);
  // The peak starts again with each read.
  const auto reads2 = m.read();
  BOOST_TEST(*find(reads2, "it")->peak_entries == 3600u);
}

// The table crosses the page condition between two scheduled censuses (the
// schedule would wait an hour): the fast sampler censuses it at once, logs
// one NOTICE naming the fill, the TIME_WAIT share and the top peers, and the
// next read dispatches that census. Only once per CensusInterval.
BOOST_AUTO_TEST_CASE(crossing_the_page_threshold_takes_a_census_at_once) {
  const auto limit = lowered_limit();
  Netns ns("evidence");
  SysctlGuard guard("/proc/sys/net/netfilter/nf_conntrack_max", std::to_string(limit));
  Logs logs;
  source::Monitor m(evidence_config(ns), logs.fn());
  const auto first_reads = m.read();
  const auto* first = find(first_reads, "it");  // the first census runs at once, on an empty table
  BOOST_REQUIRE(first && first->census);
  BOOST_TEST(first->census->census.entries == 0u);

  const auto chatty = limit * 85 / 100 - 100;
  ns.fill("--base-src 198.18.7.7 --src-count 1 --base-dst 198.19.4.5 --dport 8080 tcp:TIME_WAIT=" +
          std::to_string(chatty));
  ns.fill("--base-src 198.18.9.1 --base-dst 198.19.9.9 tcp:ESTABLISHED=100");
  m.tick();
  const auto notices = logs.matching("census at once");
  BOOST_REQUIRE(notices.size() == 1u);
  BOOST_TEST_MESSAGE(notices[0]);
  BOOST_TEST(notices[0].rfind("NOTICE namespace \"it\" is 85 % full (" + std::to_string(chatty + 100) + " of " +
                                  std::to_string(limit) + " entries",
                              0) == 0);
  char share[64];
  std::snprintf(share, sizeof share, "TIME_WAIT %.0f %% of %llu entries", 100.0 * chatty / (chatty + 100),
                static_cast<unsigned long long>(chatty + 100));
  BOOST_TEST(notices[0].find(share) != std::string::npos);
  BOOST_TEST(notices[0].find("top source 198.18.7.7 (" + std::to_string(chatty) + ")") != std::string::npos);
  BOOST_TEST(notices[0].find("top destination 198.19.4.5:8080 (" + std::to_string(chatty) + ")") != std::string::npos);

  const auto r = m.read();
  const auto* s = find(r, "it");
  BOOST_REQUIRE(s && s->census);
  BOOST_TEST(s->census->census.tcp_states[core::kTcpTimeWait] == chatty);
  BOOST_REQUIRE(s->census->census.top_peers.has_value());
  BOOST_TEST(s->census->census.top_peers->sources.top.front().count == chatty);
  // Dispatched once; the schedule does not census again within the hour.
  BOOST_TEST(!find(m.read(), "it")->census.has_value());

  // Still above: no second evidence census.
  m.tick();
  BOOST_TEST(logs.matching("census at once").size() == 1u);
}

// drop rising (a full table) also takes the evidence at once, from the read.
BOOST_AUTO_TEST_CASE(rising_drops_take_a_census_at_once) {
  const auto limit = lowered_limit();
  Netns ns("evdrop");
  ns.track();
  SysctlGuard guard("/proc/sys/net/netfilter/nf_conntrack_max", std::to_string(limit));
  Logs logs;
  source::Monitor m(evidence_config(ns, 0), logs.fn());
  m.read();
  ns.fill("--ignore-full tcp:ESTABLISHED=" + std::to_string(limit));
  sh(ns.exec("python3 -c \"import socket\nfor p in range(20):\n s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
             " try: s.sendto(b'x', ('127.0.0.1', 20000+p))\n except OSError: pass\""));
  const auto r = m.read();
  const auto notices = logs.matching("census at once");
  for (const auto& l : logs.matching("")) BOOST_TEST_MESSAGE("log: " << l);
  BOOST_TEST_MESSAGE("nf_conntrack_max now " << read_line("/proc/sys/net/netfilter/nf_conntrack_max") << ", set "
                                             << limit << " (another run may have changed it)");
  BOOST_REQUIRE(notices.size() == 1u);
  BOOST_TEST_MESSAGE(notices[0]);
  BOOST_TEST(notices[0].find("dropping packets (drop ") != std::string::npos);
  const auto* s = find(r, "it");
  BOOST_REQUIRE(s && s->census);
  BOOST_TEST(s->census->census.tcp_states[3] == limit);  // ESTABLISHED
}

// The thread: started, it samples on its own between reads; stopped, it is
// joined (idempotently).
BOOST_AUTO_TEST_CASE(the_thread_samples_between_reads) {
  Netns ns("thread");
  core::Config cfg;
  cfg.census = false;
  cfg.stats_interval = 0.25;
  cfg.namespaces.push_back({"it", ns.path()});
  source::Monitor m(cfg, [](source::LogLevel, const std::string&) {});
  m.read();
  m.start();
  ns.fill("udp=500");
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  must(ns.exec("conntrack -F 2>/dev/null"));  // our own namespace's table: gone before the next read
  const auto reads = m.read();
  const auto* s = find(reads, "it");
  m.stop();
  m.stop();
  BOOST_REQUIRE(s);
  BOOST_TEST(*s->entries == 0u);
  // A spike between two reads: only the fast sampler saw it.
  BOOST_TEST(*s->peak_entries == 500u);
}

BOOST_AUTO_TEST_SUITE_END()
