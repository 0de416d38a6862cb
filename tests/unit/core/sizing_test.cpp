// SPDX-License-Identifier: GPL-2.0-only
#include "boost_test.hpp"
#include "core/sizing.hpp"

using namespace ctwatch;

BOOST_AUTO_TEST_SUITE(Core)
BOOST_AUTO_TEST_SUITE(Sizing)

BOOST_AUTO_TEST_CASE(nothing_to_size_from) { BOOST_TEST(!core::recommend({}).has_value()); }

// The story: 250 new connections/s, TIME_WAIT 120 s -> 30000 entries held,
// x2 headroom = 60000 -> 65536 (a multiple of 16384).
BOOST_AUTO_TEST_CASE(rate_times_time_wait_with_headroom) {
  core::SizingInputs in;
  in.insert_rate = 250;
  in.hold_seconds = 120;
  in.entry_bytes = 256;
  const auto s = core::recommend(in);
  BOOST_REQUIRE(s.has_value());
  BOOST_TEST(*s->from_rate == 30000u);
  BOOST_TEST(s->need == 30000u);
  BOOST_TEST(s->max == 65536u);
  BOOST_TEST(s->buckets == 65536u);
  BOOST_TEST(s->entries_memory == 65536u * 256u);
  BOOST_TEST(s->buckets_memory == 65536u * 8u);
  BOOST_TEST(!s->entry_bytes_assumed);
  BOOST_TEST(!s->max_too_small);
}

BOOST_AUTO_TEST_CASE(peak_wins_when_larger_and_flags_a_small_max) {
  core::SizingInputs in;
  in.peak_entries = 200000;
  in.insert_rate = 10;
  in.current_max = 262144;
  const auto s = core::recommend(in);
  BOOST_REQUIRE(s.has_value());
  BOOST_TEST(s->need == 200000u);
  BOOST_TEST(s->max == 409600u);  // 400000 rounded up to 25 x 16384
  BOOST_TEST(s->max_too_small);
  BOOST_TEST(s->entry_bytes_assumed);
  BOOST_TEST(s->hold_seconds == 120.0);
}

// A quiet host with the default table: the snippet must not shrink it (nor
// its buckets, which are host-wide), and nothing is too small.
BOOST_AUTO_TEST_CASE(never_recommends_shrinking_what_is_configured) {
  core::SizingInputs in;
  in.peak_entries = 3000;
  in.current_max = 262144;
  in.current_buckets = 65536;
  const auto s = core::recommend(in);
  BOOST_REQUIRE(s.has_value());
  BOOST_TEST(s->need == 3000u);
  BOOST_TEST(s->max == 262144u);
  BOOST_TEST(s->buckets == 262144u);  // the kernel's ratio (1:1 since 5.15) for the max kept
  BOOST_TEST(!s->max_too_small);
  in.current_buckets = 1048576;  // more buckets than that: kept
  BOOST_TEST(core::recommend(in)->buckets == 1048576u);
}

BOOST_AUTO_TEST_CASE(a_tiny_table_still_gets_the_granule) {
  core::SizingInputs in;
  in.peak_entries = 3;
  BOOST_TEST(core::recommend(in)->max == 16384u);
}

BOOST_AUTO_TEST_CASE(sysctl_snippet_sets_both) {
  core::SizingInputs in;
  in.peak_entries = 100000;
  const auto text = core::sysctl_snippet(*core::recommend(in));
  BOOST_TEST(text.find("net.netfilter.nf_conntrack_max = 212992\n") != std::string::npos);
  BOOST_TEST(text.find("net.netfilter.nf_conntrack_buckets = 212992\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(slabinfo_object_size_is_read) {
  const std::string text =
      "slabinfo - version: 2.1\n"
      "# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables\n"
      "nf_conntrack_expect      0      0    208   39    2 : tunables    0    0    0\n"
      "nf_conntrack          80    160    256   16    1 : tunables    0    0    0 : slabdata     10     10      0\n";
  BOOST_TEST(*core::slabinfo_object_size(text) == 256u);
  BOOST_TEST(!core::slabinfo_object_size("nothing here\n").has_value());
}

BOOST_AUTO_TEST_CASE(bytes_are_human) {
  BOOST_TEST(core::format_bytes(512) == "512 B");
  BOOST_TEST(core::format_bytes(16u << 20) == "16.0 MiB");
}

BOOST_AUTO_TEST_SUITE_END()
BOOST_AUTO_TEST_SUITE_END()
