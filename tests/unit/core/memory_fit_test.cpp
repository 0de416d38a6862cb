// SPDX-License-Identifier: GPL-2.0-only
#include "boost_test.hpp"
#include "core/memory_fit.hpp"

using namespace ctwatch;

namespace {

core::Sizing plan(double rate, std::uint64_t entry_bytes = 256, double hold = 120) {
  core::SizingInputs in;
  in.insert_rate = rate;
  in.hold_seconds = hold;
  in.entry_bytes = entry_bytes;
  return *core::recommend(in);
}

constexpr std::uint64_t kGiB = 1ull << 30;

}  // namespace

BOOST_AUTO_TEST_SUITE(Core)
BOOST_AUTO_TEST_SUITE(MemoryFit)

BOOST_AUTO_TEST_CASE(meminfo_total_in_bytes) {
  const char* text =
      "MemTotal:       24117248 kB\n"
      "MemFree:        17000000 kB\n";
  BOOST_TEST(*core::parse_meminfo_total(text) == 24117248ull * 1024);
  // Not the first line, no trailing newline.
  BOOST_TEST(*core::parse_meminfo_total("MemFree: 1 kB\nMemTotal: 2048 kB") == 2048ull * 1024);
}

BOOST_AUTO_TEST_CASE(meminfo_missing_or_malformed) {
  BOOST_TEST(!core::parse_meminfo_total(""));
  BOOST_TEST(!core::parse_meminfo_total("MemFree: 1 kB\n"));
  BOOST_TEST(!core::parse_meminfo_total("MemTotal: lots kB\n"));
  BOOST_TEST(!core::parse_meminfo_total("MemTotal: 1024 MB\n"));  // only kB is what the kernel writes
  BOOST_TEST(!core::parse_meminfo_total("MemTotal: 0 kB\n"));
  BOOST_TEST(!core::parse_meminfo_total("XMemTotal: 1024 kB\n"));
}

// The case: 1e6/s held 120 s on a 23 GiB machine asks for 57 GiB.
BOOST_AUTO_TEST_CASE(a_million_per_second_does_not_fit_23_gib) {
  const auto s = plan(1e6);
  BOOST_TEST(s.max == 240009216u);  // 240e6 rounded up to the 16384 granule
  const auto f = core::memory_fit(s, 23 * kGiB);
  BOOST_TEST(f.table_bytes == s.entries_memory + s.buckets_memory);
  BOOST_TEST(f.table_bytes == 240009216ull * (256 + 8));
  BOOST_TEST((f.verdict == core::MemoryVerdict::DoesNotFit));
  BOOST_TEST(f.share > 2.5);
  // A quarter of 23 GiB at 264 B per entry of max, rounded down to the granule.
  BOOST_TEST(f.fitting_entries == 23386422ull / 16384 * 16384);
  BOOST_REQUIRE(f.fitting_rate.has_value());
  BOOST_TEST(*f.fitting_rate == static_cast<double>(f.fitting_entries) / 2 / 120, boost::test_tools::tolerance(1e-9));
  const auto text = core::memory_fit_sentence(f, s);
  BOOST_TEST(text.find("Does not fit this machine") == 0u);
  BOOST_TEST(text.find("takes 59.0 GiB") != std::string::npos);  // 57.2 GiB of entries + 1.8 of buckets
  BOOST_TEST(text.find("23.0 GiB (MemTotal)") != std::string::npos);
  BOOST_TEST(text.find("97417 new connections/s held 120 s") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(more_than_a_quarter_is_large_and_a_small_plan_fits) {
  const auto large = core::memory_fit(plan(1e5), 16 * kGiB);  // 6.3 GB of 16 GiB: 37 %
  BOOST_TEST((large.verdict == core::MemoryVerdict::Large));
  BOOST_TEST(core::memory_fit_sentence(large, plan(1e5)).find("Too large for this machine") == 0u);
  const auto fits = core::memory_fit(plan(250), 16 * kGiB);
  BOOST_TEST((fits.verdict == core::MemoryVerdict::Fits));
  BOOST_TEST(core::memory_fit_sentence(fits, plan(250)).empty());
}

BOOST_AUTO_TEST_CASE(exactly_at_the_edges) {
  auto s = plan(250);  // 65536 x 264 B = 17301504 B
  const std::uint64_t t = s.entries_memory + s.buckets_memory;
  BOOST_TEST((core::memory_fit(s, t).verdict == core::MemoryVerdict::Large));         // 100 %: fits, but large
  BOOST_TEST((core::memory_fit(s, t - 1).verdict == core::MemoryVerdict::DoesNotFit));
  BOOST_TEST((core::memory_fit(s, 4 * t).verdict == core::MemoryVerdict::Fits));      // exactly a quarter
  BOOST_TEST((core::memory_fit(s, 4 * t - 4).verdict == core::MemoryVerdict::Large));
}

BOOST_AUTO_TEST_CASE(a_live_sizing_has_no_fitting_rate) {
  core::SizingInputs in;
  in.peak_entries = 1000000;
  const auto s = *core::recommend(in);
  const auto f = core::memory_fit(s, 1 * kGiB);
  BOOST_TEST(!f.fitting_rate.has_value());
  BOOST_TEST(core::memory_fit_sentence(f, s).find("holds nf_conntrack_max") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
BOOST_AUTO_TEST_SUITE_END()
