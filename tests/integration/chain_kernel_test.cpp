// SPDX-License-Identifier: GPL-2.0-only
// Hash chains too long, raised by the real kernel (>= 5.15): with the global
// hash table shrunk to 1024 buckets for a few seconds, a throwaway namespace
// with 30000 entries has chains of ~60 (each entry is hashed twice), over
// the kernel's random per-insert cap (MIN_CHAINLEN 8 + up to MAX_CHAINLEN
// 64, net/netfilter/nf_conntrack_core.c). Inserts over the cap are refused
// and counted in chaintoolong: ctnetlink creates (ENOSPC, from
// nf_conntrack_hash_check_insert()) and new flows' packets
// (__nf_conntrack_confirm(), which also counts insert_failed) alike. The
// table itself is nearly empty (30000 of nf_conntrack_max), so the drop
// cause is "hash chains too long", not "table full".
//
// nf_conntrack_buckets is global and writable only from the initial
// namespace: the test holds the RESOURCE_LOCK nf_conntrack_max (as every
// test that changes a global conntrack sysctl) and restores the old size on
// scope exit, whatever happens. For those seconds every namespace's table
// has 1024 buckets: a concurrent heavy fill elsewhere may meet chaintoolong.
#include "boost_test.hpp"
#include "core/drop_causes.hpp"
#include "core/proc.hpp"
#include "integration/netns_fixture.hpp"
#include "source/monitor.hpp"

using namespace ctwatch;
using namespace ctwatch::test;

BOOST_AUTO_TEST_SUITE(KernelChains)

BOOST_AUTO_TEST_CASE(few_buckets_raise_chaintoolong_while_the_table_is_not_full) {
  Netns ns("chain");
  ns.track();
  core::Config cfg;
  cfg.census = false;
  cfg.namespaces.push_back({"it", ns.path()});
  source::Monitor m(cfg, [](source::LogLevel, const std::string&) {});
  auto snap = [&]() {
    for (auto& r : m.read())
      if (r.label == "it") return r.snapshot;
    throw std::runtime_error("namespace it not reported");
  };
  const core::Snapshot before = snap();
  const auto idx = [](core::Counter c) { return static_cast<std::size_t>(c); };
  // Whether the kernel has the counter is read from the kernel itself (the
  // header of /proc/net/stat/nf_conntrack, where 5.15 renamed the column
  // delete_list to chainlength), never from ctwatch: a kernel with it where
  // ctwatch reads none is a parser regression, not a skip.
  const std::string header = " " + read_line("/proc/net/stat/nf_conntrack") + " ";
  const bool kernel_has = header.find(" chainlength ") != std::string::npos;
  if (!kernel_has) {
    BOOST_TEST(!before.counters[idx(core::Counter::ChainTooLong)].has_value());
    BOOST_TEST_MESSAGE("this kernel has no chaintoolong counter (< 5.15): nothing to raise");
    return;
  }
  BOOST_REQUIRE_MESSAGE(before.counters[idx(core::Counter::ChainTooLong)].has_value(),
                        "the kernel has chaintoolong (/proc/net/stat/nf_conntrack) but ctwatch read none");
  {
    SysctlGuard guard("/proc/sys/net/netfilter/nf_conntrack_buckets", "1024");
    // Refused creates make ctwatch-fill exit 1 (ENOSPC): expected here.
    sh(ns.exec(fill_tool() + " --quiet --timeout 600 udp=30000 >/dev/null 2>&1"));
    // New flows' packets: their entries are confirmed into the long chains.
    sh(ns.exec("python3 -c \"import socket\ns=socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
               "for p in range(3000):\n try: s.sendto(b'x', ('127.0.0.1', 20000+p))\n except OSError: pass\""));
  }
  const core::Snapshot after = snap();
  auto rise = [&](core::Counter c) -> std::optional<std::uint64_t> {
    const auto a = before.counters[idx(c)], b = after.counters[idx(c)];
    if (!a || !b) return std::nullopt;
    return *b - *a;
  };
  const auto chain = rise(core::Counter::ChainTooLong).value();
  BOOST_TEST_MESSAGE("chaintoolong rose by " << chain << ", insert_failed by "
                                             << rise(core::Counter::InsertFailed).value_or(0) << "; entries "
                                             << after.entries.value_or(0));
  BOOST_TEST(chain > 0u);
  BOOST_TEST(*after.entries < *after.max_entries / 2);  // far from full

  core::DropInputs in;
  in.drop = rise(core::Counter::Drop);
  in.early_drop = rise(core::Counter::EarlyDrop);
  in.insert_failed = rise(core::Counter::InsertFailed);
  in.clash_resolve = rise(core::Counter::ClashResolve);
  in.chaintoolong = chain;
  in.invalid = rise(core::Counter::Invalid);
  in.fill_percent = 100.0 * static_cast<double>(*after.entries) / static_cast<double>(*after.max_entries);
  in.seconds = 5;
  bool found = false;
  for (const auto& f : core::classify_drops(in)) {
    BOOST_TEST((f.cause != core::DropCause::TableFull));
    found = found || f.cause == core::DropCause::ChainTooLong;
  }
  BOOST_TEST(found);
}

BOOST_AUTO_TEST_SUITE_END()
