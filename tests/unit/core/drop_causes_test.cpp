// SPDX-License-Identifier: GPL-2.0-only
#include "boost_test.hpp"
#include "core/drop_causes.hpp"

#include <ostream>

using namespace ctwatch;
using core::DropCause;

namespace ctwatch::core {
std::ostream& operator<<(std::ostream& o, DropCause c) { return o << drop_cause_text(c).id; }
std::ostream& operator<<(std::ostream& o, Severity s) { return o << static_cast<int>(s); }
}  // namespace ctwatch::core

namespace {
std::vector<DropCause> causes(const core::DropInputs& in) {
  std::vector<DropCause> out;
  for (const auto& f : core::classify_drops(in)) out.push_back(f.cause);
  return out;
}
// A 6.x kernel: every counter present, none rose.
core::DropInputs quiet() {
  core::DropInputs in;
  in.drop = in.early_drop = in.insert_failed = in.clash_resolve = in.chaintoolong = in.invalid = 0;
  in.fill_percent = 40;
  in.seconds = 10;
  return in;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(Core)
BOOST_AUTO_TEST_SUITE(DropCauses)

BOOST_AUTO_TEST_CASE(nothing_rose_nothing_found) { BOOST_TEST(core::classify_drops(quiet()).empty()); }

BOOST_AUTO_TEST_CASE(table_full_drops_are_critical) {
  auto in = quiet();
  in.drop = 50;
  in.early_drop = 20;
  in.fill_percent = 100;
  const auto f = core::classify_drops(in);
  BOOST_REQUIRE(f.size() == 1u);
  BOOST_TEST(f[0].cause == DropCause::TableFull);
  BOOST_TEST(f[0].severity == core::Severity::Critical);
  BOOST_TEST(f[0].packets == 50u);
  BOOST_TEST(f[0].detail.find("100.0 % full") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(early_drop_alone_is_a_warning) {
  auto in = quiet();
  in.early_drop = 5;
  in.fill_percent = 99.9;
  const auto f = core::classify_drops(in);
  BOOST_REQUIRE(f.size() == 1u);
  BOOST_TEST(f[0].cause == DropCause::TableFull);
  BOOST_TEST(f[0].severity == core::Severity::Warning);
}

// nf_ct_resolve_clash() counts drop and insert_failed together: those drops
// are clashes, not a full table.
BOOST_AUTO_TEST_CASE(unresolved_clashes_are_not_a_full_table) {
  auto in = quiet();
  in.drop = 7;
  in.insert_failed = 7;
  in.clash_resolve = 300;
  BOOST_TEST((causes(in) == std::vector<DropCause>{DropCause::InsertClash}));
  BOOST_TEST(core::classify_drops(in)[0].packets == 7u);
}

BOOST_AUTO_TEST_CASE(resolved_clashes_alone_are_no_cause) {
  auto in = quiet();
  in.clash_resolve = 1000;
  BOOST_TEST(core::classify_drops(in).empty());
}

// chaintoolong is also counted in insert_failed: not a clash.
BOOST_AUTO_TEST_CASE(chain_too_long_while_not_full) {
  auto in = quiet();
  in.insert_failed = 12;
  in.chaintoolong = 12;
  in.fill_percent = 3;
  const auto f = core::classify_drops(in);
  BOOST_REQUIRE(f.size() == 1u);
  BOOST_TEST(f[0].cause == DropCause::ChainTooLong);
  BOOST_TEST(f[0].detail.find("3.0 % full") != std::string::npos);
}

// Kernel 5.10: no chaintoolong. insert_failed is a clash; chains are not judged.
BOOST_AUTO_TEST_CASE(absent_counters_are_not_judged) {
  auto in = quiet();
  in.chaintoolong.reset();
  in.insert_failed = 4;
  BOOST_TEST((causes(in) == std::vector<DropCause>{DropCause::InsertClash}));
  // Before clash_resolve: resolved clashes counted in insert_failed too, so only info.
  in.clash_resolve.reset();
  const auto f = core::classify_drops(in);
  BOOST_REQUIRE(f.size() == 1u);
  BOOST_TEST(f[0].severity == core::Severity::Info);
  BOOST_TEST(f[0].detail.find("no clash_resolve counter") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(invalid_is_info_and_last) {
  auto in = quiet();
  in.invalid = 3;
  in.drop = 9;
  in.fill_percent = 100;
  BOOST_TEST((causes(in) == std::vector<DropCause>{DropCause::TableFull, DropCause::Invalid}));
}

BOOST_AUTO_TEST_CASE(every_cause_has_an_id_and_one_sentence) {
  for (std::size_t i = 0; i < core::kDropCauseCount; ++i) {
    const auto& t = core::drop_cause_text(static_cast<DropCause>(i));
    BOOST_TEST(!t.id.empty());
    BOOST_TEST(t.sentence.back() == '.');
  }
}

BOOST_AUTO_TEST_SUITE_END()
BOOST_AUTO_TEST_SUITE_END()
