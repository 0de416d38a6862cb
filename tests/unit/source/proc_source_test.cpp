// SPDX-License-Identifier: GPL-2.0-only
// The /proc fallback against the fixture tree in tests/data/proc.
#include "boost_test.hpp"
#include "source/monitor.hpp"
#include "source/sampler.hpp"
#include "support/nl_builder.hpp"

using namespace ctwatch;

namespace {
source::SamplerOptions proc_opts(const std::string& root) {
  source::SamplerOptions o;
  o.mode = core::SourceMode::Proc;
  o.proc_root = test::data_dir() + "/proc" + root;
  return o;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(Source)
BOOST_AUTO_TEST_SUITE(ProcSource)

BOOST_AUTO_TEST_CASE(reads_count_max_counters_and_tunables) {
  auto s = source::NamespaceSampler::open("host", "", proc_opts(""));
  BOOST_REQUIRE(s.ok());
  const auto r = (*s)->sample();
  BOOST_TEST(!r.error.has_value());
  const auto& snap = r.snapshot;
  BOOST_TEST((snap.source == core::Source::Proc));
  BOOST_TEST(snap.entries.value() == 1000u);  // nf_conntrack_count, not the repeated stat column
  BOOST_TEST(snap.max_entries.value() == 4000u);
  BOOST_TEST(snap.tunable(core::Tunable::Buckets).value() == 1024u);
  BOOST_TEST(snap.tunable(core::Tunable::TcpTimeoutTimeWait).value() == 120u);
  BOOST_TEST(snap.tunable(core::Tunable::TcpTwReuse).value() == 2u);
  // Drop: 0x07abcdef on cpu0 + 2 on cpu1.
  BOOST_TEST(snap.counters[static_cast<std::size_t>(core::Counter::Drop)].value() == 0x07abcdefu + 2u);
  BOOST_TEST(!snap.census.has_value());
}

BOOST_AUTO_TEST_CASE(census_is_refused_on_proc) {
  auto s = source::NamespaceSampler::open("host", "", proc_opts(""));
  BOOST_REQUIRE(s.ok());
  const auto c = (*s)->census(std::chrono::steady_clock::now() + std::chrono::seconds(1));
  BOOST_TEST(!c.ok());
}

BOOST_AUTO_TEST_CASE(bad_files_are_absent_and_reported) {
  auto s = source::NamespaceSampler::open("host", "", proc_opts("/bad"));
  BOOST_REQUIRE(s.ok());
  const auto r = (*s)->sample();
  BOOST_REQUIRE(r.error.has_value());
  BOOST_TEST(r.error->message.find("nf_conntrack_count") != std::string::npos);
  BOOST_TEST(!r.snapshot.entries.has_value());
}

BOOST_AUTO_TEST_CASE(missing_tree_means_conntrack_not_loaded) {
  auto s = source::NamespaceSampler::open("host", "", proc_opts("/does-not-exist"));
  BOOST_REQUIRE(s.ok());
  const auto r = (*s)->sample();
  BOOST_REQUIRE(r.error.has_value());
  BOOST_TEST(r.error->message.find("not loaded") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(monitor_logs_a_repeating_failure_once) {
  core::Config cfg;
  cfg.source = core::SourceMode::Proc;
  std::vector<std::string> lines;
  source::Monitor m(cfg, [&](source::LogLevel, const std::string& l) { lines.push_back(l); },
                    test::data_dir() + "/proc/does-not-exist");
  for (int i = 1; i <= 50; ++i) {
    // No values, but the failure itself is reported: the self-health
    // metrics must go out exactly when reading fails.
    const auto r = m.read();
    BOOST_REQUIRE(r.size() == 1u);
    BOOST_TEST(!r[0].snapshot.entries);
    BOOST_TEST(r[0].snapshot.read_failures == static_cast<std::uint64_t>(i));
    BOOST_TEST((r[0].snapshot.source == core::Source::Proc));
    BOOST_TEST(m.health().namespaces_sampled == 0u);
    BOOST_TEST(m.health().namespaces_unsampled == 1u);
  }
  int failures = 0;
  for (const auto& l : lines) failures += l.find("not loaded") != std::string::npos;
  BOOST_TEST(failures == 1);
}

BOOST_AUTO_TEST_CASE(monitor_reports_host_from_proc) {
  core::Config cfg;
  cfg.source = core::SourceMode::Proc;
  source::Monitor m(cfg, [](source::LogLevel, const std::string&) {}, test::data_dir() + "/proc");
  const auto r = m.read();
  BOOST_REQUIRE(r.size() == 1u);
  BOOST_TEST(r[0].label == "host");
  BOOST_TEST(r[0].snapshot.entries.value() == 1000u);
  BOOST_TEST(m.health().namespaces_sampled == 1u);
  BOOST_TEST(m.health().namespaces_unsampled == 0u);
}

BOOST_AUTO_TEST_SUITE_END()  // ProcSource
BOOST_AUTO_TEST_SUITE_END()  // Source
