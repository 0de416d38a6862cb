// SPDX-License-Identifier: GPL-2.0-only
// The ctwatch command's pure parts: the command line, the findings and
// their thresholds, the text and JSON renderings, and the error messages
// (including "conntrack not loaded", which this kernel, with conntrack
// built in, cannot produce for real).
#define BOOST_TEST_MODULE ctwatch cli unit tests
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>

#include <set>
#include <sstream>

#include "boost_test.hpp"
#include "cli/json_schema.hpp"
#include "cli/options.hpp"
#include "cli/explain.hpp"
#include "cli/render.hpp"
#include "cli/watch_view.hpp"

using namespace ctwatch;
using namespace ctwatch::test;
using core::Counter;
using core::Tunable;

namespace {

core::Result<cli::Options> parse(std::vector<std::string> a) { return cli::parse_args(a); }

std::size_t idx(Counter c) { return static_cast<std::size_t>(c); }

// A plausible report: 1000 of 262144 entries, census with peers.
cli::Report base_report() {
  cli::Report r;
  r.snapshot.entries = 1000;
  r.snapshot.max_entries = 262144;
  for (auto& c : r.snapshot.counters) c = 0;
  r.snapshot.counters[idx(Counter::Insert)] = 0x01abcdef;
  r.snapshot.tunable(Tunable::Buckets) = 262144;
  r.snapshot.tunable(Tunable::TcpTimeoutTimeWait) = 120;
  r.snapshot.tunable(Tunable::TcpTimeoutEstablished) = 432000;
  r.snapshot.tunable(Tunable::UdpTimeout) = 30;
  r.snapshot.tunable(Tunable::UdpTimeoutStream) = 120;
  r.snapshot.tunable(Tunable::TcpTwReuse) = 2;
  core::Census c;
  c.entries = 1000;
  c.tcp_states[3] = 600;  // ESTABLISHED
  c.tcp_states[7] = 300;  // TIME_WAIT
  c.protocols[0] = 900;
  c.protocols[1] = 100;
  core::TopPeers tp;
  tp.n = 2;
  tp.capacity = 4096;
  tp.sources.top = {{core::ipv4_peer(0x0a000001), 700, 0}, {core::ipv4_peer(0x0a000002), 300, 0}};
  tp.sources.counted = 1000;
  std::array<std::uint8_t, 16> v6{0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0b};
  tp.destinations.top = {{core::ipv6_peer(v6, 8443), 600, 0}, {core::ipv4_peer(0x0a000101, 80), 400, 0}};
  tp.destinations.counted = 1000;
  tp.time_wait_sources = core::PeerList{{{core::ipv4_peer(0x0a000002), 300, 0}}, true, 0, 300};
  tp.time_wait_destinations = core::PeerList{{{core::ipv4_peer(0x0a000101, 80), 300, 0}}, true, 0, 300};
  c.top_peers = tp;
  r.census = c;
  r.census_seconds = 0.0042;
  r.top = 2;
  return r;
}

bool has_finding(const std::vector<cli::Finding>& fs, const std::string& id, cli::Severity sev) {
  return std::any_of(fs.begin(), fs.end(), [&](const cli::Finding& f) { return f.id == id && f.severity == sev; });
}
bool has_finding(const std::vector<cli::Finding>& fs, const std::string& id) {
  return std::any_of(fs.begin(), fs.end(), [&](const cli::Finding& f) { return f.id == id; });
}
const cli::Finding& finding(const std::vector<cli::Finding>& fs, const std::string& id) {
  for (const auto& f : fs)
    if (f.id == id) return f;
  throw std::runtime_error("no finding " + id);
}
bool contains(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

}  // namespace

BOOST_AUTO_TEST_SUITE(Cli)
BOOST_AUTO_TEST_SUITE(Options)

BOOST_AUTO_TEST_CASE(defaults) {
  const auto o = parse({});
  BOOST_REQUIRE(o.ok());
  BOOST_TEST(o->netns.empty());
  BOOST_TEST(o->netns_path.empty());
  BOOST_TEST(!o->interval.has_value());
  BOOST_TEST(o->top == 5u);
  BOOST_TEST(!o->json);
}

BOOST_AUTO_TEST_CASE(every_option_in_both_forms) {
  const auto a = parse({"--netns", "web", "--interval", "2.5", "--top", "0", "--json"});
  BOOST_REQUIRE(a.ok());
  BOOST_TEST(a->netns == "web");
  BOOST_TEST(a->netns_path == "/var/run/netns/web");
  BOOST_TEST(*a->interval == 2.5);
  BOOST_TEST(a->top == 0u);
  BOOST_TEST(a->json);
  const auto b = parse({"--netns=/proc/123/ns/net", "--interval=10", "--top=1000"});
  BOOST_REQUIRE(b.ok());
  BOOST_TEST(b->netns_path == "/proc/123/ns/net");
  BOOST_TEST(*b->interval == 10.0);
  BOOST_TEST(b->top == 1000u);
  BOOST_TEST(parse({"-h"})->help);
  BOOST_TEST(parse({"--help"})->help);
  BOOST_TEST(parse({"--version"})->version);
}

BOOST_AUTO_TEST_CASE(watch_with_and_without_seconds) {
  BOOST_TEST(!parse({})->watch.has_value());
  BOOST_TEST(*parse({"--watch"})->watch == cli::kDefaultWatch);
  BOOST_TEST(*parse({"--watch", "5"})->watch == 5.0);
  BOOST_TEST(*parse({"--watch=0.5"})->watch == 0.5);
  // The next argument is SECONDS only when it is a number.
  const auto o = parse({"--watch", "--top", "3", "--netns", "web"});
  BOOST_REQUIRE(o.ok());
  BOOST_TEST(*o->watch == cli::kDefaultWatch);
  BOOST_TEST(o->top == 3u);
  BOOST_TEST(o->top_given);
  BOOST_TEST(!parse({"--watch"})->top_given);
  BOOST_TEST(parse({"--rate", "10", "--hold", "60"}).ok());  // --hold with --rate is fine
  BOOST_TEST(parse({"--rate", "10", "--sysctl"}).ok());
}

BOOST_AUTO_TEST_CASE(netns_name_or_path) {
  BOOST_TEST(cli::netns_path("web") == "/var/run/netns/web");
  BOOST_TEST(cli::netns_path("/run/netns/web") == "/run/netns/web");
  BOOST_TEST(cli::netns_path("./x") == "./x");
}

struct Bad {
  std::vector<std::string> args;
  std::string mention;
};
std::ostream& operator<<(std::ostream& o, const Bad& b) { return o << b.mention; }
const std::vector<Bad> kBad{
    {{"--top"}, "--top"},           {{"--top", "x"}, "\"x\""},          {{"--top", "1001"}, "\"1001\""},
    {{"--top", "-1"}, "\"-1\""},    {{"--top", "2.5"}, "\"2.5\""},      {{"--interval"}, "--interval"},
    {{"--interval", "0"}, "\"0\""}, {{"--interval", "-3"}, "\"-3\""},   {{"--interval", "5s"}, "\"5s\""},
    {{"--interval", "3601"}, "\"3601\""}, {{"--interval", "nan"}, "\"nan\""}, {{"--netns"}, "--netns"},
    {{"--netns="}, "--netns"},      {{"--bogus"}, "--bogus"},           {{"web"}, "\"web\""},
    {{"--json=yes"}, "--json"},     {{"--top", "1", "--top", "2"}, "twice"},
    {{"--netns", "a", "--netns", "b"}, "twice"},
    // Options that cannot go together name both.
    {{"--json", "--sysctl"}, "options --json and --sysctl cannot go together"},
    {{"--sysctl", "--rate", "10", "--json"}, "options --json and --sysctl cannot go together"},
    {{"--watch", "--json"}, "option --watch cannot go with --json"},
    {{"--watch", "--sysctl"}, "option --watch cannot go with --sysctl"},
    {{"--watch", "--interval", "2"}, "option --watch cannot go with --interval"},
    {{"--watch", "--rate", "10"}, "options --rate and --watch cannot go together"},
    {{"--hold", "60"}, "option --hold sizes a planned --rate: it needs --rate"},
    {{"--watch", "0.1"}, "\"0.1\" is not a number of seconds from 0.5 to 3600"},
    {{"--watch=x"}, "\"x\" is not a number of seconds"},
    {{"--watch", "--watch"}, "--watch given twice"},
};
BOOST_DATA_TEST_CASE(usage_errors_name_the_argument, boost::unit_test::data::make(kBad), b) {
  const auto o = parse(b.args);
  BOOST_REQUIRE(!o.ok());
  BOOST_TEST(contains(o.error().message, b.mention), o.error().message);
}

BOOST_AUTO_TEST_CASE(help_mentions_every_option_and_exit_codes) {
  for (const char* s : {"--netns", "--interval", "--top", "--json", "--sysctl", "--watch", "--rate", "--hold", "--help",
                        "Exit status", "CAP_NET_ADMIN"})
    BOOST_TEST(contains(cli::kHelp, s), s);
}

BOOST_AUTO_TEST_SUITE_END()  // Options

BOOST_AUTO_TEST_SUITE(Findings)

BOOST_AUTO_TEST_CASE(a_quiet_table_has_only_the_default_max_note) {
  const auto fs = cli::findings(base_report());
  BOOST_REQUIRE(fs.size() == 1u);
  BOOST_TEST(fs[0].id == "default_max");
  BOOST_TEST((fs[0].severity == cli::Severity::Info));
  BOOST_TEST(contains(fs[0].message, "262144"));
}

BOOST_AUTO_TEST_CASE(fill_thresholds) {
  auto r = base_report();
  r.snapshot.max_entries = 100000;
  r.snapshot.entries = 79999;
  BOOST_TEST(!has_finding(cli::findings(r), "table_full"));
  r.snapshot.entries = 80000;
  // Critical from the page level on, as ConntrackTableNearlyFull (it was a
  // warning up to 95 % while the alert paged at 80 %).
  BOOST_TEST(has_finding(cli::findings(r), "table_full", cli::Severity::Critical));
  BOOST_TEST(contains(finding(cli::findings(r), "table_full").message, "80.0 % full (80000 of 100000"));
  r.snapshot.entries = 95000;
  BOOST_TEST(has_finding(cli::findings(r), "table_full", cli::Severity::Critical));
  BOOST_TEST(!has_finding(cli::findings(r), "default_max"));
  r.snapshot.max_entries.reset();  // unknown max: no claim about fill
  BOOST_TEST(!has_finding(cli::findings(r), "table_full"));
}

BOOST_AUTO_TEST_CASE(rising_counters_over_the_interval) {
  auto r = base_report();
  r.first_counters = r.snapshot.counters;
  r.interval_seconds = 5;
  BOOST_TEST(!has_finding(cli::findings(r), "table_full_drops"));
  r.snapshot.counters[idx(Counter::Drop)] = 37;
  r.snapshot.counters[idx(Counter::InsertFailed)] = 2;
  r.snapshot.counters[idx(Counter::EarlyDrop)] = 10;
  const auto fs = cli::findings(r);
  // 2 of the 37 drops are unresolved clashes (nf_ct_resolve_clash() counts
  // both); the other 35 are a full table.
  BOOST_TEST(has_finding(fs, "table_full_drops", cli::Severity::Critical));
  BOOST_TEST(has_finding(fs, "insert_clashes", cli::Severity::Warning));
  const auto& drop = finding(fs, "table_full_drops").message;
  BOOST_TEST(contains(drop, std::string(core::drop_cause_text(core::DropCause::TableFull).sentence)));
  BOOST_TEST(contains(drop, "drop rose by 37 in 5.0 s (7.4/s)"));
  BOOST_TEST(contains(drop, "early_drop by 10"));
  BOOST_TEST(contains(drop, "conntrack -S"));
  BOOST_TEST(contains(finding(fs, "insert_clashes").message, "clash"));
  BOOST_TEST(!has_finding(fs, "drops_in_the_past"));  // with an interval we know better
  BOOST_TEST((fs.front().severity == cli::Severity::Critical));  // most serious first
}

BOOST_AUTO_TEST_CASE(chains_too_long_is_its_own_cause) {
  auto r = base_report();
  r.first_counters = r.snapshot.counters;
  r.interval_seconds = 10;
  r.snapshot.counters[idx(Counter::ChainTooLong)] = *r.snapshot.counters[idx(Counter::ChainTooLong)] + 4;
  r.snapshot.counters[idx(Counter::InsertFailed)] = *r.snapshot.counters[idx(Counter::InsertFailed)] + 4;
  const auto fs = cli::findings(r);
  BOOST_TEST(has_finding(fs, "chains_too_long", cli::Severity::Warning));
  BOOST_TEST(!has_finding(fs, "insert_clashes"));
  BOOST_TEST(contains(finding(fs, "chains_too_long").message, "Hash chains too long"));
}

BOOST_AUTO_TEST_CASE(every_rule_has_an_id_and_a_condition) {
  std::set<std::string> ids;
  for (const auto& rule : cli::finding_rules()) {
    BOOST_TEST(!rule.condition.empty());
    BOOST_TEST(ids.insert(std::string(rule.id)).second, "duplicate id " << rule.id);
  }
  BOOST_TEST(ids.count("table_full_drops") == 1u);
}

// Each finding that watches an alert's condition has that alert's severity
// when the condition holds (core::kFindingAlerts), and names the alert.
BOOST_AUTO_TEST_CASE(findings_have_the_severity_of_their_alerts) {
  std::set<std::string> mapped;
  for (const auto& fa : core::kFindingAlerts) {
    mapped.insert(std::string(fa.finding));
    BOOST_TEST(std::any_of(core::kAlerts.begin(), core::kAlerts.end(),
                           [&](const core::Alert& a) { return a.name == fa.alert.name && a.severity == fa.alert.severity; }),
               fa.alert.name << " is not in kAlerts");
  }
  for (const auto& rule : cli::finding_rules()) {
    if (!mapped.count(std::string(rule.id))) {
      BOOST_TEST(rule.alert.empty(), rule.id);
      continue;
    }
    BOOST_TEST(!rule.alert.empty(), rule.id);
    BOOST_TEST(contains(rule.condition, std::string(rule.alert)), rule.id << ": " << rule.condition);
  }
  // Drop causes: their own alert names agree with the table.
  for (auto c : {core::DropCause::TableFull, core::DropCause::InsertClash, core::DropCause::ChainTooLong}) {
    const auto& t = core::drop_cause_text(c);
    BOOST_TEST(std::any_of(core::kFindingAlerts.begin(), core::kFindingAlerts.end(),
                           [&](const core::FindingAlert& fa) { return fa.finding == t.id && fa.alert.name == t.alert; }),
               t.id);
  }

  auto expect = [](const cli::Report& r, const std::string& id, const core::Alert& a) {
    BOOST_TEST(has_finding(cli::findings(r), id, a.severity), id << " should be " << core::severity_name(a.severity)
                                                                 << " as " << a.name);
  };
  auto r = base_report();
  r.snapshot.max_entries = 100000;
  r.snapshot.entries = static_cast<std::uint64_t>(core::kPageFillRatio * 100000);
  expect(r, "table_full", core::alert::kTableNearlyFull);

  r = base_report();  // half full: the alerts' fill gate
  r.snapshot.max_entries = 2000;
  r.snapshot.entries = static_cast<std::uint64_t>(core::kFastFillRatio * 2000);
  r.census->tcp_states[core::kTcpTimeWait] = static_cast<std::uint64_t>(core::kTimeWaitShareRatio * 1000);
  r.snapshot.tunable(Tunable::TcpTwReuse) = 1;
  expect(r, "time_wait", core::alert::kTimeWaitDominant);
  expect(r, "tcp_tw_reuse", core::alert::kTcpTwReuseEnabled);

  r = base_report();
  r.snapshot.max_entries = core::kKernelDefaultMax;
  expect(r, "default_max", core::alert::kMaxNotTuned);
  r.snapshot.entries = r.peak_entries = 200000;
  expect(r, "max_too_small", core::alert::kMaxBelowRecommended);

  r = base_report();
  r.first_counters = r.snapshot.counters;
  r.interval_seconds = 10;
  r.snapshot.counters[idx(Counter::Drop)] = 5;
  expect(r, "table_full_drops", core::alert::kPacketsDropped);
  r.snapshot.counters[idx(Counter::Drop)] = 0;
  r.snapshot.counters[idx(Counter::EarlyDrop)] = 5;
  expect(r, "table_full_drops", core::alert::kEarlyDrops);
  r.snapshot.counters[idx(Counter::EarlyDrop)] = 0;
  r.snapshot.counters[idx(Counter::InsertFailed)] = 5;
  expect(r, "insert_clashes", core::alert::kInsertClashesUnresolved);
  r.snapshot.counters[idx(Counter::ChainTooLong)] = 5;
  expect(r, "chains_too_long", core::alert::kHashChainsTooLong);
}

BOOST_AUTO_TEST_CASE(unreplied_entries_are_named) {
  auto r = base_report();
  r.census->unreplied[static_cast<std::size_t>(core::L4::Udp)] = 100;
  r.census->unreplied[static_cast<std::size_t>(core::L4::Tcp)] = 200;
  const auto fs = cli::findings(r);
  BOOST_TEST(has_finding(fs, "unreplied", cli::Severity::Info));
  BOOST_TEST(contains(finding(fs, "unreplied").message, "30 % of the entries (300 of 1000) are unreplied"));
  BOOST_TEST(contains(finding(fs, "unreplied").message, "tcp 200, udp 100"));
}

// A live table is sized from its peak only: the kernel's `insert` counts
// only ctnetlink-created entries (not a new-connection rate), so even a
// large rise of it changes nothing; and the recommendation never shrinks
// the configured max.
BOOST_AUTO_TEST_CASE(sizing_from_the_peak_never_from_insert) {
  auto r = base_report();
  r.first_counters = r.snapshot.counters;
  r.interval_seconds = 10;
  r.snapshot.counters[idx(Counter::Insert)] = *r.snapshot.counters[idx(Counter::Insert)] + 25000;
  r.snapshot.entries = 300000;
  r.peak_entries = 300000;
  r.snapshot.max_entries = 262144;
  r.entry_bytes = 256;
  r.entry_bytes_source = "/sys/kernel/slab/nf_conntrack/slab_size";
  const auto sz = cli::sizing(r);
  BOOST_REQUIRE(sz.has_value());
  BOOST_TEST(!sz->from_rate.has_value());
  BOOST_TEST(sz->need == 300000u);
  BOOST_TEST(sz->max == 606208u);  // 600000 rounded up to 37 x 16384
  BOOST_TEST(sz->max_too_small);
  BOOST_TEST(has_finding(cli::findings(r), "max_too_small", cli::Severity::Info));
  const auto snippet = cli::render_sysctl(r);
  BOOST_TEST(contains(snippet, "net.netfilter.nf_conntrack_max = 606208"));
  const auto t = cli::render_text(r, cli::findings(r));
  BOOST_TEST(contains(t, "Sizing      need 300000 entries (peak seen 300000)"), t);
  BOOST_TEST(contains(t, "148.0 MiB of entries when full (256 B each"), t);
  // A quiet table: the snippet keeps the configured max.
  r.snapshot.entries = 1000;
  r.peak_entries = 1000;
  BOOST_TEST(cli::sizing(r)->max == 262144u);
  BOOST_TEST(!cli::sizing(r)->max_too_small);
  BOOST_TEST(contains(cli::render_sysctl(r), "net.netfilter.nf_conntrack_max = 262144"));
}

BOOST_AUTO_TEST_CASE(plan_without_a_table) {
  cli::Report r;
  r.plan_rate = 250;
  r.hold_seconds = 60;
  const auto doc = parse_json(cli::render_json(r, cli::findings(r)));
  BOOST_TEST(doc.at("version").get<std::uint64_t>() == 3u);
  BOOST_TEST(doc.at("mode").get<std::string>() == "plan");
  BOOST_TEST(doc.at("rate_per_second").get<double>() == 250.0);
  BOOST_TEST(doc.at("sizing").at("from_rate").get<std::uint64_t>() == 15000u);
  BOOST_TEST(doc.at("sizing").at("nf_conntrack_max").get<std::uint64_t>() == 32768u);
  BOOST_TEST(doc.at("sizing").at("current_max").is_null());
  BOOST_TEST(doc.at("sizing").at("entry_bytes_source").is_null());  // assumed
  BOOST_TEST(contains(cli::render_text(r, {}), "capacity plan for 250 new connections/s"));
}

BOOST_AUTO_TEST_CASE(past_drops_without_interval_suggest_one) {
  auto r = base_report();
  r.snapshot.counters[idx(Counter::Drop)] = 5;
  const auto fs = cli::findings(r);
  BOOST_TEST(has_finding(fs, "drops_in_the_past", cli::Severity::Info));
  BOOST_TEST(contains(finding(fs, "drops_in_the_past").message, "--interval"));
  BOOST_TEST(!has_finding(fs, "table_full_drops"));
}

BOOST_AUTO_TEST_CASE(time_wait_half_of_the_table) {
  auto r = base_report();
  r.census->tcp_states[7] = 499;
  BOOST_TEST(!has_finding(cli::findings(r), "time_wait"));
  r.census->tcp_states[7] = 500;
  const auto fs = cli::findings(r);
  BOOST_REQUIRE(has_finding(fs, "time_wait"));
  const auto& m = finding(fs, "time_wait").message;
  BOOST_TEST(contains(m, "50 % of the entries (500 of 1000)"));
  BOOST_TEST(contains(m, "120 s"));
  BOOST_TEST(contains(m, "10.0.0.2 (300)"));   // top TIME_WAIT source
  BOOST_TEST(contains(m, "10.0.1.1:80 (300)"));
  BOOST_TEST(contains(m, "connection pooling"));
  BOOST_TEST(contains(m, "nf_conntrack_tcp_timeout_time_wait"));
}

BOOST_AUTO_TEST_CASE(default_max_and_tw_reuse) {
  auto r = base_report();
  r.snapshot.max_entries = 262145;
  BOOST_TEST(!has_finding(cli::findings(r), "default_max"));
  r.snapshot.tunable(Tunable::TcpTwReuse) = 1;
  // info, as ConntrackTcpTwReuseEnabled (core/thresholds.hpp says why).
  BOOST_TEST(has_finding(cli::findings(r), "tcp_tw_reuse", cli::Severity::Info));
  r.snapshot.tunable(Tunable::TcpTwReuse) = 0;
  BOOST_TEST(!has_finding(cli::findings(r), "tcp_tw_reuse"));
  r.snapshot.tunable(Tunable::TcpTwReuse).reset();
  BOOST_TEST(!has_finding(cli::findings(r), "tcp_tw_reuse"));
}

BOOST_AUTO_TEST_SUITE_END()  // Findings

BOOST_AUTO_TEST_SUITE(Render)

BOOST_AUTO_TEST_CASE(json_conforms_to_the_schema_and_carries_the_values) {
  auto r = base_report();
  r.netns = "web";
  r.netns_path = "/var/run/netns/web";
  r.first_counters = r.snapshot.counters;
  r.snapshot.counters[idx(Counter::Drop)] = 10;
  r.snapshot.counters[idx(Counter::ChainTooLong)].reset();  // an older kernel
  r.interval_seconds = 2;
  const auto doc = parse_json(cli::render_json(r, cli::findings(r)));
  const auto errors = ctwatch_schema_errors(doc);
  BOOST_TEST(errors.empty(), errors.size() << " schema errors, first: " << (errors.empty() ? "" : errors[0]));
  BOOST_TEST(doc.at("namespace").at("name").get<std::string>() == "web");
  BOOST_TEST(doc.at("table").at("entries").get<std::uint64_t>() == 1000u);
  BOOST_TEST(doc.at("census").at("tcp_states").at("TIME_WAIT").get<std::uint64_t>() == 300u);
  BOOST_TEST(doc.at("census").at("protocols").at("udp").get<std::uint64_t>() == 100u);
  BOOST_TEST(doc.at("counters").at("insert").at("total").get<std::uint64_t>() == 0x01abcdefu);
  BOOST_TEST(doc.at("counters").at("drop").at("delta").get<std::uint64_t>() == 10u);
  BOOST_TEST(doc.at("counters").at("drop").at("per_second").get<double>() == 5.0);
  BOOST_TEST(doc.at("counters").at("chaintoolong").at("total").is_null());  // absent, not 0
  BOOST_TEST(doc.at("interval_seconds").get<double>() == 2.0);
  BOOST_TEST(doc.at("top").at("sources").at("peers").at(0).at("address").get<std::string>() == "10.0.0.1");
  BOOST_TEST(doc.at("top").at("destinations").at("peers").at(0).at("endpoint").get<std::string>() == "[fd00::b]:8443");
  BOOST_TEST(doc.at("top").at("destinations").at("peers").at(0).at("family").get<std::string>() == "ipv6");
  BOOST_TEST(doc.at("top").at("destinations").at("peers").at(0).at("port").get<std::uint64_t>() == 8443u);
  BOOST_TEST(doc.at("top").at("time_wait_sources").at("counted").get<std::uint64_t>() == 300u);
  BOOST_TEST(doc.at("tuning").at("tcp_tw_reuse").get<std::uint64_t>() == 2u);
  BOOST_TEST(doc.at("findings").at(0).at("id").get<std::string>() == "table_full_drops");
  BOOST_TEST(doc.at("version").get<std::uint64_t>() == 3u);
  BOOST_TEST(doc.at("census").at("unreplied").at("tcp").is_number_unsigned());
  BOOST_TEST(doc.at("sizing").at("nf_conntrack_max").is_number_unsigned());
}

BOOST_AUTO_TEST_CASE(json_nulls_for_what_is_absent) {
  cli::Report r;  // nothing known at all
  const auto doc = parse_json(cli::render_json(r, cli::findings(r)));
  const auto errors = ctwatch_schema_errors(doc);
  BOOST_TEST(errors.empty(), (errors.empty() ? "" : errors[0]));
  BOOST_TEST(doc.at("namespace").is_null());
  BOOST_TEST(doc.at("table").at("entries").is_null());
  BOOST_TEST(doc.at("table").at("fill_percent").is_null());
  BOOST_TEST(doc.at("census").is_null());
  BOOST_TEST(doc.at("top").is_null());
  BOOST_TEST(doc.at("interval_seconds").is_null());
  BOOST_TEST(doc.at("findings").empty());
}

BOOST_AUTO_TEST_CASE(json_escapes_strings) {
  auto r = base_report();
  r.netns = "a\"b\\c\x01";
  r.netns_path = "/x/a\"b\\c\x01";
  const auto doc = parse_json(cli::render_json(r, {}));
  BOOST_TEST(doc.at("namespace").at("name").get<std::string>() == r.netns);
}

// The test reader is strict and the schema checks names, types and order:
// a document that breaks any of them is caught.
BOOST_AUTO_TEST_CASE(the_test_reader_and_schema_reject_what_scripts_would_trip_on) {
  BOOST_CHECK_THROW(parse_json(R"({"a": 1, "a": 2})"), std::runtime_error);
  BOOST_CHECK_THROW(parse_json(R"({"a": 1} x)"), nlohmann::json::parse_error);
  BOOST_CHECK_NO_THROW(parse_json(R"({"a": {"a": 1}, "b": [{"a": 1}, {"a": 2}]})"));
  const std::string good = cli::render_json(base_report(), {});
  BOOST_TEST(ctwatch_schema_errors(parse_json(good)).empty());
  Json swapped = parse_json(good);  // "table" moved after "census"
  const Json table = swapped.at("table");
  swapped.erase("table");
  swapped["table"] = table;
  BOOST_TEST(!ctwatch_schema_errors(swapped).empty());
  Json typed = parse_json(good);
  typed["table"]["entries"] = -1;
  BOOST_TEST(!ctwatch_schema_errors(typed).empty());
}

BOOST_AUTO_TEST_CASE(text_has_every_section) {
  auto r = base_report();
  r.first_counters = r.snapshot.counters;
  r.snapshot.counters[idx(Counter::Drop)] = 10;
  r.interval_seconds = 2;
  const std::string t = cli::render_text(r, cli::findings(r));
  for (const char* s : {"Table       1000 entries of max 262144, 0.4 % full (262144 buckets)",
                        "TCP states  ESTABLISHED 600, TIME_WAIT 300", "Protocols   tcp 900, udp 100",
                        "rise in 2.0 s", "drop", "+10", "5.0/s", "Top 2 peers", "10.0.0.1", "700",
                        "[fd00::b]:8443", "Top 2 in TIME_WAIT", "nf_conntrack_tcp_timeout_time_wait 120 s",
                        "tcp_tw_reuse 2", "Status      ", "Sizing      need 1000 entries",
                        "Findings", "CRITICAL", "drop rose by 10"})
    BOOST_TEST(contains(t, s), "missing: " << s << "\n" << t);
  for (std::size_t start = 0, end; start < t.size(); start = end + 1) {
    end = t.find('\n', start);
    BOOST_TEST(end - start <= 79u, "line too long: " << t.substr(start, end - start));
  }
}

BOOST_AUTO_TEST_CASE(text_says_when_the_peer_counts_are_approximate) {
  auto r = base_report();
  r.census->top_peers->sources.exact = false;
  r.census->top_peers->sources.max_error = 3;
  const std::string t = cli::render_text(r, {});
  BOOST_TEST(contains(t, "approximate: more than 4096 distinct sources"));
  BOOST_TEST(contains(t, "up to 3 too high"));
  BOOST_TEST(!contains(t, "distinct destinations"));
}

BOOST_AUTO_TEST_CASE(text_without_peers_or_counters) {
  auto r = base_report();
  r.top = 0;
  r.snapshot.counters = {};
  const std::string t = cli::render_text(r, {});
  BOOST_TEST(!contains(t, "Top "));
  BOOST_TEST(!contains(t, "drop "));
  BOOST_TEST(contains(t, "Findings    none"));
}

BOOST_AUTO_TEST_SUITE_END()  // Render

BOOST_AUTO_TEST_SUITE(Errors)

BOOST_AUTO_TEST_CASE(no_such_namespace) {
  const auto m = cli::explain(core::Error{ENOENT, "cannot enter namespace /var/run/netns/x"}, cli::Stage::Open,
                              "/var/run/netns/x");
  BOOST_TEST(m == "cannot enter namespace /var/run/netns/x: No such file or directory");
}

BOOST_AUTO_TEST_CASE(no_privilege) {
  const auto enter = cli::explain(core::Error{EPERM, "cannot enter namespace /var/run/netns/x"}, cli::Stage::Open,
                                  "/var/run/netns/x");
  BOOST_TEST(contains(enter, "Operation not permitted"));
  BOOST_TEST(contains(enter, "CAP_SYS_ADMIN"));
  const auto read = cli::explain(core::Error{EPERM, "IPCTNL_MSG_CT_GET_STATS: kernel replied with an error"},
                                 cli::Stage::Stats, "");
  BOOST_TEST(contains(read, "Operation not permitted"));
  BOOST_TEST(contains(read, "CAP_NET_ADMIN"));
}

BOOST_DATA_TEST_CASE(conntrack_not_loaded, boost::unit_test::data::make({EOPNOTSUPP, EINVAL}), code) {
  // nfnetlink's answer when no ctnetlink subsystem is registered.
  const auto m = cli::explain(core::Error{code, "IPCTNL_MSG_CT_GET_STATS: kernel replied with an error"},
                              cli::Stage::Stats, "");
  BOOST_TEST(contains(m, "conntrack is not loaded"));
  BOOST_TEST(contains(m, "modprobe nf_conntrack_netlink"));
}

BOOST_AUTO_TEST_CASE(no_nfnetlink) {
  const auto m = cli::explain(core::Error{EPROTONOSUPPORT, "cannot open a NETLINK_NETFILTER socket"},
                              cli::Stage::Open, "");
  BOOST_TEST(contains(m, "conntrack is not available"));
  BOOST_TEST(contains(m, "Protocol not supported"));
}

BOOST_AUTO_TEST_SUITE_END()  // Errors
BOOST_AUTO_TEST_SUITE_END()  // Cli

BOOST_AUTO_TEST_SUITE(WithoutCapNetAdmin)

cli::Report proc_report() {
  auto r = base_report();
  r.census.reset();
  r.top = 5;
  r.snapshot.source = core::Source::Proc;
  r.netlink_refused = core::Error{EPERM, "IPCTNL_MSG_CT_GET_STATS: kernel replied with an error"};
  return r;
}

BOOST_AUTO_TEST_CASE(text_says_once_what_needs_the_capability) {
  const auto t = cli::render_text(proc_report(), {});
  BOOST_TEST(contains(t, "Table       1000 entries of max 262144, 0.4 % full"));
  BOOST_TEST(contains(t, "Limited     without CAP_NET_ADMIN (ctnetlink: Operation not permitted)"));
  BOOST_TEST(contains(t, "needs CAP_NET_ADMIN."));
  BOOST_TEST(!contains(t, "root"));
  BOOST_TEST(!contains(t, "TCP states  "));  // no census, so no states, not "none"
  BOOST_TEST(contains(t, "insert"));       // the counters are there
  BOOST_TEST(contains(t, "Tuning      nf_conntrack_max 262144"));
  // One line's worth: the word appears in that paragraph only.
  BOOST_TEST(t.find("Limited") == t.rfind("Limited"));
}

BOOST_AUTO_TEST_CASE(json_says_proc_and_why) {
  const auto doc = parse_json(cli::render_json(proc_report(), {}));
  const auto errors = ctwatch_schema_errors(doc);
  BOOST_TEST(errors.empty(), (errors.empty() ? "" : errors[0]));
  BOOST_TEST(doc.at("source").get<std::string>() == "proc");
  BOOST_TEST(contains(doc.at("limited").get<std::string>(), "CAP_NET_ADMIN"));
  BOOST_TEST(doc.at("census").is_null());
  BOOST_TEST(doc.at("table").at("entries").get<std::uint64_t>() == 1000u);
  const auto full = parse_json(cli::render_json(base_report(), {}));
  BOOST_TEST(full.at("source").get<std::string>() == "netlink");
  BOOST_TEST(full.at("limited").is_null());
}

BOOST_AUTO_TEST_CASE(without_ctnetlink_it_names_the_module_not_the_capability) {
  const auto m = cli::limited_explanation(core::Error{EOPNOTSUPP, "IPCTNL_MSG_CT_GET_STATS"});
  BOOST_TEST(contains(m, "modprobe nf_conntrack_netlink"));
  BOOST_TEST(!contains(m, "CAP_NET_ADMIN"));
  BOOST_TEST(contains(cli::limited_short(core::Error{EPERM, ""}), "need CAP_NET_ADMIN"));
}

BOOST_AUTO_TEST_SUITE_END()  // WithoutCapNetAdmin

BOOST_AUTO_TEST_SUITE(MemoryFit)

BOOST_AUTO_TEST_CASE(a_plan_that_does_not_fit_says_so) {
  cli::Report r;
  r.plan_rate = 1e6;
  r.hold_seconds = 120;
  r.entry_bytes = 256;
  r.mem_total = 23ull << 30;
  const auto t = cli::render_text(r, {});
  BOOST_TEST(contains(t, "Does not fit this machine"), t);
  BOOST_TEST(contains(t, "23.0 GiB (MemTotal)"), t);
  const auto doc = parse_json(cli::render_json(r, {}));
  BOOST_TEST(doc.at("sizing").at("memory").at("verdict").get<std::string>() == "does_not_fit");
  BOOST_TEST(doc.at("sizing").at("memory").at("mem_total_bytes").get<std::uint64_t>() == 23ull << 30);
  BOOST_TEST(doc.at("sizing").at("memory").at("fitting_rate_per_second").get<double>() > 90000);
  // The sysctl.d snippet warns in comments, and stays a valid sysctl.d file.
  const auto snippet = cli::render_sysctl(r);
  BOOST_TEST(snippet.find("# WARNING: Does not fit this machine") == 0u, snippet);
  std::istringstream lines(snippet);
  for (std::string l; std::getline(lines, l);)
    BOOST_TEST((l.empty() || l[0] == '#' || l.rfind("net.netfilter.nf_conntrack_", 0) == 0), l);
}

BOOST_AUTO_TEST_CASE(a_plan_that_fits_says_nothing_and_unknown_memory_is_null) {
  cli::Report r;
  r.plan_rate = 250;
  r.mem_total = 23ull << 30;
  BOOST_TEST(!contains(cli::render_text(r, {}), "this machine"));
  BOOST_TEST(parse_json(cli::render_json(r, {})).at("sizing").at("memory").at("verdict").get<std::string>() == "fits");
  r.mem_total.reset();
  BOOST_TEST(parse_json(cli::render_json(r, {})).at("sizing").at("memory").is_null());
}

BOOST_AUTO_TEST_SUITE_END()  // MemoryFit

BOOST_AUTO_TEST_SUITE(WatchView)

cli::WatchFrame frame() {
  const auto r = base_report();
  cli::WatchFrame f;
  f.where = "namespace web";
  f.clock = "20:31:05";
  f.entries = 1000;
  f.max_entries = 262144;
  f.peak = 1200;
  f.seconds_to_full = std::numeric_limits<double>::infinity();
  f.growth = 0;
  f.totals = r.snapshot.counters;
  std::array<std::optional<double>, core::kCounterCount> rates{};
  for (std::size_t i = 0; i < rates.size(); ++i)
    if (f.totals[i]) rates[i] = 0;
  rates[idx(Counter::Drop)] = 12.5;
  f.rates = rates;
  f.census = r.census;
  f.census_seconds = 0.0042;
  f.census_age = 1;
  f.top = 10;
  return f;
}

std::string screen(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += l + "\n";
  return s;
}

BOOST_AUTO_TEST_CASE(fits_80_by_24_with_every_section) {
  const auto lines = cli::render_watch(frame(), 80, 24);
  BOOST_TEST(lines.size() <= 24u);
  for (const auto& l : lines) BOOST_TEST(l.size() <= 80u, l);
  const auto s = screen(lines);
  BOOST_TEST(lines.at(0).find("ctwatch  namespace web  netlink  every 2 s  20:31:05") == 0u);
  BOOST_TEST(contains(lines.at(0), "Ctrl-C quits"));
  BOOST_TEST(lines.at(1).find("Fill     1000 of 262144  0.4 %  [") == 0u);
  BOOST_TEST(contains(s, "Trend    peak 1200  growth 0/s  full: not growing"));
  BOOST_TEST(contains(s, "drop 12.5  early_drop 0"));
  BOOST_TEST(contains(s, "TCP      ESTABLISHED 600  TIME_WAIT 300"));
  BOOST_TEST(contains(s, "Census   1000 entries in 4.2 ms, 1 s ago"));
  BOOST_TEST(contains(s, "Top sources"));
  BOOST_TEST(contains(s, "10.0.0.1"));
  BOOST_TEST(contains(s, "[fd00::b]:8443"));
}

BOOST_AUTO_TEST_CASE(a_small_terminal_keeps_the_most_important_lines) {
  for (std::size_t w : {20u, 40u, 60u, 79u, 120u})
    for (std::size_t h : {1u, 2u, 3u, 5u, 8u, 12u, 24u, 50u}) {
      const auto lines = cli::render_watch(frame(), w, h);
      BOOST_TEST(lines.size() <= h);
      for (const auto& l : lines) BOOST_TEST(l.size() <= w);
      BOOST_TEST(lines.at(0).find("ctwatch") == 0u);
      if (h >= 2) BOOST_TEST(lines.at(1).find("Fill") == 0u);
    }
  // 60 x 8: the peers go first, then the census line; header, fill, trend stay.
  const auto s = screen(cli::render_watch(frame(), 60, 8));
  BOOST_TEST(!contains(s, "Top sources"));
  BOOST_TEST(contains(s, "Trend"));
  BOOST_TEST(contains(s, "20:31:05"));  // the time survives a short header
  // A few rows short: the peer rows shrink before the block goes.
  const auto full = cli::render_watch(frame(), 80, 50);
  const auto less = cli::render_watch(frame(), 80, full.size() - 1);
  BOOST_TEST(contains(screen(less), "Top sources"));
  BOOST_TEST(less.size() == full.size() - 1);
}

BOOST_AUTO_TEST_CASE(plain_output_has_everything_and_no_quit_hint) {
  auto f = frame();
  f.top = 2;
  const auto lines = cli::render_watch(f, 80, 0);
  const auto s = screen(lines);
  BOOST_TEST(!contains(s, "Ctrl-C"));
  BOOST_TEST(contains(s, "10.0.0.2"));
  BOOST_TEST(s.find('\x1b') == std::string::npos);
}

BOOST_AUTO_TEST_CASE(without_cap_net_admin_and_before_the_first_rates) {
  auto f = frame();
  f.source = core::Source::Proc;
  f.census.reset();
  f.rates.reset();
  f.seconds_to_full.reset();
  f.limited = cli::limited_short(core::Error{EPERM, ""});
  const auto s = screen(cli::render_watch(f, 80, 24));
  BOOST_TEST(contains(s, "/proc  every 2 s"));
  BOOST_TEST(contains(s, "Limited  /proc only: TCP states and top peers need CAP_NET_ADMIN"));
  BOOST_TEST(contains(s, "Per sec  drop -  early_drop -"));
  BOOST_TEST(contains(s, "full: collecting samples"));
  BOOST_TEST(!contains(s, "TCP      "));
  f.totals[idx(Counter::Drop)].reset();  // absent stays absent
  BOOST_TEST(contains(screen(cli::render_watch(f, 80, 24)), "Per sec  early_drop -"));
}

BOOST_AUTO_TEST_CASE(time_to_full_words) {
  BOOST_TEST(cli::time_to_full_text(std::nullopt) == "collecting samples");
  BOOST_TEST(cli::time_to_full_text(std::numeric_limits<double>::infinity()) == "not growing");
  BOOST_TEST(cli::time_to_full_text(0.0) == "FULL NOW");
  BOOST_TEST(cli::time_to_full_text(90.0) == "in 90 s");
  BOOST_TEST(cli::time_to_full_text(600.0) == "in 10 min");
  BOOST_TEST(cli::time_to_full_text(9000.0) == "in 2.5 h");
}

BOOST_AUTO_TEST_SUITE_END()  // WatchView
