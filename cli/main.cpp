// SPDX-License-Identifier: GPL-2.0-only
// ctwatch: one command for the person on call — is conntrack the problem,
// and who is doing it? (`ctwatch --help`, cli/ctwatch.1)
//
// The kernel work is the plugin's own code: a NamespaceSampler (GET_STATS,
// GET_STATS_CPU, the /proc/sys tuning files, setns in a short-lived thread
// for --netns) and its census (one IPCTNL_MSG_CT_GET dump) with a PeerTally
// for the top peers. Only GET requests are ever sent.
//
// Order: sample, census, [sleep until --interval after the first sample,
// sample again]. The census runs inside the interval, so `--interval 5`
// takes about 5 s however large the table is (up to the census time).
#include <chrono>
#include <cstdio>
#include <exception>
#include <fstream>
#include <sstream>
#include <algorithm>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "cli/options.hpp"
#include "cli/explain.hpp"
#include "cli/live.hpp"
#include "cli/watch.hpp"
#include "cli/render.hpp"
#include "core/peers.hpp"
#include "core/sizing.hpp"
#include "source/sampler.hpp"

using namespace ctwatch;
using Clock = std::chrono::steady_clock;

namespace {

// Per-receive timeout (SO_RCVTIMEO) and the deadline of the whole dump: a
// 1M-entry table dumps in about 2 s, so these only catch a kernel that
// stopped answering.
constexpr double kRecvTimeout = 10;
constexpr auto kCensusDeadline = std::chrono::seconds(300);

int fail(const std::string& why) {
  std::fprintf(stderr, "ctwatch: %s\n", why.c_str());
  return cli::kExitError;
}

double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

int print(const cli::Options& o, const cli::Report& rep) {
  std::string out;
  if (o.sysctl) {
    out = cli::render_sysctl(rep);
    if (out.empty()) return fail("nothing to size from");
  } else {
    const auto fs = cli::findings(rep);
    out = o.json ? cli::render_json(rep, fs) : cli::render_text(rep, fs);
  }
  if (std::fputs(out.c_str(), stdout) == EOF || std::fflush(stdout) != 0) return fail("cannot write the report");
  return cli::kExitOk;
}

int run(const cli::Options& o) {
  if (o.rate) {  // capacity planning: no live table, no privilege needed
    cli::Report rep;
    rep.plan_rate = o.rate;
    rep.hold_seconds = o.hold;
    // Default hold: this namespace's TIME_WAIT timeout, when readable.
    std::ifstream tw("/proc/sys/net/netfilter/nf_conntrack_tcp_timeout_time_wait");
    if (std::uint64_t v = 0; !rep.hold_seconds && tw >> v && v > 0) rep.hold_seconds = static_cast<double>(v);
    cli::read_entry_bytes(rep);
    rep.mem_total = cli::read_mem_total();
    return print(o, rep);
  }
  const auto t0 = Clock::now();
  auto live = cli::open_live(o, kRecvTimeout);
  if (!live) return fail(live.error().message);
  if (o.watch) return cli::run_watch(o, *live);
  source::NamespaceSampler& sampler = *live->sampler;
  source::SampleResult first = std::move(live->first);

  cli::Report rep;
  rep.netns = o.netns;
  rep.netns_path = o.netns_path;
  rep.top = o.top;
  rep.hold_seconds = o.hold;
  rep.netlink_refused = live->refused;
  rep.mem_total = cli::read_mem_total();
  cli::read_entry_bytes(rep);

  std::optional<core::PeerTally> tally;
  if (o.top > 0) {
    core::PeerOptions po;
    po.top = o.top;
    po.time_wait = true;
    std::random_device rd;
    tally.emplace(po, (std::uint64_t{rd()} << 32) | rd());
  }
  if (sampler.source() == core::Source::Netlink) {  // on /proc there is no census: rep says why
    const auto c0 = Clock::now();
    auto census = sampler.census(c0 + kCensusDeadline, tally ? &*tally : nullptr);
    if (!census) return fail(cli::explain(census.error(), cli::Stage::Census, o.netns_path));
    rep.census_seconds = since(c0);
    rep.census = std::move(*census);
  }

  const auto first_entries = first.snapshot.entries;
  if (o.interval) {
    std::this_thread::sleep_until(
        t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(*o.interval)));
    const auto t1 = Clock::now();
    source::SampleResult second = sampler.sample();
    if (second.error && !(live->refused && second.snapshot.entries)) return fail(cli::explain(*second.error, cli::Stage::Stats, o.netns_path));
    rep.first_counters = first.snapshot.counters;
    rep.interval_seconds = std::chrono::duration<double>(t1 - t0).count();
    rep.snapshot = std::move(second.snapshot);
  } else {
    rep.snapshot = std::move(first.snapshot);
  }

  // The peak: the largest count seen (both samples, the census).
  std::uint64_t peak = rep.census ? rep.census->entries : 0;
  for (const auto& e : {first_entries, rep.snapshot.entries})
    if (e) peak = std::max(peak, *e);
  if (peak > 0 || rep.snapshot.entries) rep.peak_entries = peak;
  return print(o, rep);
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  const auto opt = cli::parse_args(args);
  if (!opt) {
    std::fprintf(stderr, "ctwatch: %s\nTry 'ctwatch --help'.\n", opt.error().message.c_str());
    return cli::kExitUsage;
  }
  if (opt->help) {
    std::fputs(cli::kHelp, stdout);
    return cli::kExitOk;
  }
  if (opt->version) {
    std::printf("ctwatch %s\n", CTWATCH_VERSION);
    return cli::kExitOk;
  }
  try {
    return run(*opt);
  } catch (const std::exception& e) {
    return fail(e.what());
  }
}
