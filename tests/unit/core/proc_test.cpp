// SPDX-License-Identifier: GPL-2.0-only
#include "boost_test.hpp"
#include "core/proc.hpp"
#include "support/nl_builder.hpp"

using namespace ctwatch;

namespace {
std::uint32_t get(const core::CpuStats& s, core::Counter c) {
  return s.counters[static_cast<std::size_t>(c)].value();
}
std::string fixture(const std::string& rel) { return test::read_text(test::data_dir() + "/proc/" + rel); }
}  // namespace

BOOST_AUTO_TEST_SUITE(Core)
BOOST_AUTO_TEST_SUITE(Proc)

BOOST_AUTO_TEST_CASE(uint_files) {
  BOOST_TEST(core::parse_proc_uint("262144\n").value() == 262144u);
  BOOST_TEST(core::parse_proc_uint("  7 ").value() == 7u);
  BOOST_TEST(!core::parse_proc_uint("").has_value());
  BOOST_TEST(!core::parse_proc_uint("\n").has_value());
  BOOST_TEST(!core::parse_proc_uint("12abc\n").has_value());
  BOOST_TEST(!core::parse_proc_uint("-1\n").has_value());
  BOOST_TEST(!core::parse_proc_uint("99999999999999999999999\n").has_value());
}

BOOST_AUTO_TEST_CASE(stat_5_15_layout_by_header_name) {
  const auto cpus = core::parse_proc_stat(fixture("net/stat/nf_conntrack"));
  BOOST_REQUIRE(cpus.has_value());
  BOOST_REQUIRE(cpus->size() == 2u);
  const auto& c0 = (*cpus)[0];
  BOOST_TEST(get(c0, core::Counter::ClashResolve) == 0x01abcdefu);
  BOOST_TEST(get(c0, core::Counter::Found) == 0x02abcdefu);
  BOOST_TEST(get(c0, core::Counter::Invalid) == 0x03abcdefu);
  BOOST_TEST(get(c0, core::Counter::ChainTooLong) == 0x04abcdefu);
  BOOST_TEST(get(c0, core::Counter::Insert) == 0x05abcdefu);
  BOOST_TEST(get(c0, core::Counter::InsertFailed) == 0x06abcdefu);
  BOOST_TEST(get(c0, core::Counter::Drop) == 0x07abcdefu);
  BOOST_TEST(get(c0, core::Counter::EarlyDrop) == 0x08abcdefu);
  BOOST_TEST(get(c0, core::Counter::Error) == 0x09abcdefu);
  BOOST_TEST(get(c0, core::Counter::SearchRestart) == 0x0aabcdefu);
  BOOST_TEST((*cpus)[1].cpu == 1);
  BOOST_TEST(get((*cpus)[1], core::Counter::Drop) == 2u);
}

BOOST_AUTO_TEST_CASE(stat_old_layout_has_no_clash_or_chain_columns) {
  const auto cpus = core::parse_proc_stat(fixture("old-4.19/nf_conntrack"));
  BOOST_REQUIRE(cpus.has_value());
  BOOST_REQUIRE(cpus->size() == 2u);
  const auto& c0 = (*cpus)[0];
  BOOST_TEST(!c0.counters[static_cast<std::size_t>(core::Counter::ClashResolve)].has_value());
  BOOST_TEST(!c0.counters[static_cast<std::size_t>(core::Counter::ChainTooLong)].has_value());
  BOOST_TEST(get(c0, core::Counter::Found) == 0x11u);
  BOOST_TEST(get(c0, core::Counter::Drop) == 0x33u);
  BOOST_TEST(get(c0, core::Counter::SearchRestart) == 0x44u);
}

BOOST_AUTO_TEST_CASE(stat_without_search_restart_16_columns) {
  const auto cpus = core::parse_proc_stat(fixture("old-3.x/nf_conntrack"));
  BOOST_REQUIRE(cpus.has_value());
  BOOST_TEST(!(*cpus)[0].counters[static_cast<std::size_t>(core::Counter::SearchRestart)].has_value());
  BOOST_TEST(get((*cpus)[0], core::Counter::Drop) == 0x5u);
}

BOOST_AUTO_TEST_CASE(stat_bad_inputs) {
  BOOST_TEST(!core::parse_proc_stat("").has_value());
  BOOST_TEST(!core::parse_proc_stat("00000001 00000002\n").has_value());  // no header
  BOOST_TEST(!core::parse_proc_stat("entries found\n0000000x 00000001\n").has_value());
  BOOST_TEST(!core::parse_proc_stat("entries found\n00000001\n").has_value());  // short line
  BOOST_TEST(core::parse_proc_stat("entries found\n").value().empty());
}

BOOST_AUTO_TEST_SUITE_END()  // Proc
BOOST_AUTO_TEST_SUITE_END()  // Core
