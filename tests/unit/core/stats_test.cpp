// SPDX-License-Identifier: GPL-2.0-only
#include "boost_test.hpp"
#include "core/counters.hpp"
#include "core/stats.hpp"
#include "support/nl_builder.hpp"

#include <linux/netfilter/nfnetlink_conntrack.h>

using namespace ctwatch;
using namespace ctwatch::test;

namespace {
const std::uint16_t kStats = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_GET_STATS;
const std::uint16_t kStatsCpu = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_GET_STATS_CPU;

core::Bytes payload(const Buf& msg) { return core::Bytes(msg).subspan(NLMSG_HDRLEN); }

core::CpuStats cpu(std::uint16_t n, std::uint32_t drop, std::uint32_t insert) {
  core::CpuStats c;
  c.cpu = n;
  c.counters[static_cast<std::size_t>(core::Counter::Drop)] = drop;
  c.counters[static_cast<std::size_t>(core::Counter::Insert)] = insert;
  return c;
}
std::uint64_t total(const core::CounterAccumulator& a, core::Counter c) {
  return a.totals()[static_cast<std::size_t>(c)].value();
}
}  // namespace

BOOST_AUTO_TEST_SUITE(Core)
BOOST_AUTO_TEST_SUITE(DecodeStats)

BOOST_AUTO_TEST_CASE(global_entries_and_max) {
  const Buf m = nfmsg(kStats, 0, 1, 0,
                      {attr_be32(CTA_STATS_GLOBAL_ENTRIES, 0x01abcdef), attr_be32(CTA_STATS_GLOBAL_MAX_ENTRIES, 0x02abcdef)});
  const auto s = core::decode_stats_global(payload(m));
  BOOST_REQUIRE(s.has_value());
  BOOST_TEST(s->entries.value() == 0x01abcdefu);
  BOOST_TEST(s->max_entries.value() == 0x02abcdefu);
}

BOOST_AUTO_TEST_CASE(old_kernel_without_max_entries_is_absent_not_zero) {
  const Buf m = nfmsg(kStats, 0, 1, 0, {attr_be32(CTA_STATS_GLOBAL_ENTRIES, 5)});
  const auto s = core::decode_stats_global(payload(m));
  BOOST_REQUIRE(s.has_value());
  BOOST_TEST(s->entries.value() == 5u);
  BOOST_TEST(!s->max_entries.has_value());
}

BOOST_AUTO_TEST_CASE(unknown_attributes_are_skipped) {
  const Buf m = nfmsg(kStats, 0, 1, 0, {attr_be32(77, 1), attr_be32(CTA_STATS_GLOBAL_ENTRIES, 9), attr_u8(99, 1)});
  const auto s = core::decode_stats_global(payload(m));
  BOOST_REQUIRE(s.has_value());
  BOOST_TEST(s->entries.value() == 9u);
}

BOOST_AUTO_TEST_CASE(truncated_message_is_rejected) {
  BOOST_TEST(!core::decode_stats_global(core::Bytes(Buf(2))).has_value());
  Buf m = nfmsg(kStats, 0, 1, 0, {attr_be32(CTA_STATS_GLOBAL_ENTRIES, 9)});
  m.resize(m.size() - 2);  // the attribute now claims bytes that are not there
  BOOST_TEST(!core::decode_stats_global(payload(m)).has_value());
}

BOOST_AUTO_TEST_CASE(cpu_counters_map_to_their_names) {
  const Buf m = nfmsg(kStatsCpu, NLM_F_MULTI, 1, 3,
                      {attr_be32(CTA_STATS_FOUND, 0x01abcdef), attr_be32(CTA_STATS_INVALID, 0x02abcdef),
                       attr_be32(CTA_STATS_INSERT, 0x03abcdef), attr_be32(CTA_STATS_INSERT_FAILED, 0x04abcdef),
                       attr_be32(CTA_STATS_DROP, 0x05abcdef), attr_be32(CTA_STATS_EARLY_DROP, 0x06abcdef),
                       attr_be32(CTA_STATS_ERROR, 0x07abcdef), attr_be32(CTA_STATS_SEARCH_RESTART, 0x08abcdef),
                       attr_be32(CTA_STATS_CLASH_RESOLVE, 0x09abcdef), attr_be32(CTA_STATS_CHAIN_TOOLONG, 0x0aabcdef),
                       attr_be32(CTA_STATS_SEARCHED, 0x0babcdef)});
  const auto s = core::decode_stats_cpu(payload(m));
  BOOST_REQUIRE(s.has_value());
  BOOST_TEST(s->cpu == 3);
  const std::pair<core::Counter, std::uint32_t> want[] = {
      {core::Counter::Found, 0x01abcdef},        {core::Counter::Invalid, 0x02abcdef},
      {core::Counter::Insert, 0x03abcdef},       {core::Counter::InsertFailed, 0x04abcdef},
      {core::Counter::Drop, 0x05abcdef},         {core::Counter::EarlyDrop, 0x06abcdef},
      {core::Counter::Error, 0x07abcdef},        {core::Counter::SearchRestart, 0x08abcdef},
      {core::Counter::ClashResolve, 0x09abcdef}, {core::Counter::ChainTooLong, 0x0aabcdef}};
  for (const auto& [c, v] : want) {
    BOOST_TEST_CONTEXT(core::counter_name(c)) {
      BOOST_TEST(s->counters[static_cast<std::size_t>(c)].value() == v);
    }
  }
}

BOOST_AUTO_TEST_CASE(pre_5_10_kernel_has_no_clash_resolve) {
  const Buf m = nfmsg(kStatsCpu, NLM_F_MULTI, 1, 0, {attr_be32(CTA_STATS_DROP, 1)});
  const auto s = core::decode_stats_cpu(payload(m));
  BOOST_REQUIRE(s.has_value());
  BOOST_TEST(!s->counters[static_cast<std::size_t>(core::Counter::ClashResolve)].has_value());
  BOOST_TEST(!s->counters[static_cast<std::size_t>(core::Counter::ChainTooLong)].has_value());
}

BOOST_AUTO_TEST_CASE(counter_names_are_kernel_snake_case) {
  BOOST_TEST(core::counter_name(core::Counter::InsertFailed) == "insert_failed");
  BOOST_TEST(core::counter_name(core::Counter::ChainTooLong) == "chaintoolong");
  BOOST_TEST(core::counter_is_error(core::Counter::Drop));
  BOOST_TEST(!core::counter_is_error(core::Counter::Found));
}

BOOST_AUTO_TEST_SUITE_END()  // DecodeStats

BOOST_AUTO_TEST_SUITE(Counters)

BOOST_AUTO_TEST_CASE(first_reading_seeds_with_kernel_totals) {
  core::CounterAccumulator a;
  const std::vector<core::CpuStats> r{cpu(0, 10, 100), cpu(1, 5, 50)};
  a.update(r);
  BOOST_TEST(total(a, core::Counter::Drop) == 15u);
  BOOST_TEST(total(a, core::Counter::Insert) == 150u);
  BOOST_TEST(!a.totals()[static_cast<std::size_t>(core::Counter::Found)].has_value());
}

BOOST_AUTO_TEST_CASE(u32_wrap_is_a_small_delta) {
  core::CounterAccumulator a;
  a.update(std::vector<core::CpuStats>{cpu(0, 0xfffffff0u, 0)});
  a.update(std::vector<core::CpuStats>{cpu(0, 0x10u, 0)});
  BOOST_TEST(total(a, core::Counter::Drop) == 0xfffffff0ull + 0x20ull);
}

BOOST_AUTO_TEST_CASE(totals_are_monotonic_over_many_wraps) {
  core::CounterAccumulator a;
  std::uint32_t raw = 0;
  std::uint64_t expect = 0;
  for (int i = 0; i < 10; ++i) {
    a.update(std::vector<core::CpuStats>{cpu(0, raw, 0)});
    BOOST_TEST(total(a, core::Counter::Drop) == expect);
    raw += 0x70000000u;  // wraps every other step
    expect += 0x70000000u;
  }
}

BOOST_AUTO_TEST_CASE(cpu_appearing_later_only_sets_a_baseline) {
  core::CounterAccumulator a;
  a.update(std::vector<core::CpuStats>{cpu(0, 10, 0)});
  a.update(std::vector<core::CpuStats>{cpu(0, 12, 0), cpu(1, 1000, 0)});
  BOOST_TEST(total(a, core::Counter::Drop) == 12u);
  a.update(std::vector<core::CpuStats>{cpu(0, 12, 0), cpu(1, 1003, 0)});
  BOOST_TEST(total(a, core::Counter::Drop) == 15u);
}

BOOST_AUTO_TEST_CASE(cpu_vanishing_keeps_its_contribution) {
  core::CounterAccumulator a;
  a.update(std::vector<core::CpuStats>{cpu(0, 10, 0), cpu(1, 20, 0)});
  a.update(std::vector<core::CpuStats>{cpu(0, 11, 0)});
  BOOST_TEST(total(a, core::Counter::Drop) == 31u);
  // It comes back with a value we cannot relate to the old one: baseline.
  a.update(std::vector<core::CpuStats>{cpu(0, 11, 0), cpu(1, 5, 0)});
  BOOST_TEST(total(a, core::Counter::Drop) == 31u);
}

BOOST_AUTO_TEST_SUITE_END()  // Counters
BOOST_AUTO_TEST_SUITE_END()  // Core
