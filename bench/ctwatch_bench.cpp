// SPDX-License-Identifier: GPL-2.0-only
// ctwatch-bench: the census and the stats path against a raw dump, measured
// side by side (interleaved rounds in a new seeded order each round,
// medians of per-round ratios) in the calling namespace, and optionally
// whole commands (the ctwatch CLI, `conntrack -L`, a pipeline).
//
//   ip netns exec NS ctwatch-bench [--rounds N] [--stats-calls N] [--top N]
//                                  [--max-census-ratio R] [--churn N] [--nfct]
//                                  [--parse-rounds N] [--parse-only V]
//                                  [--cmd-rounds N] [--cmd LABEL=COMMAND]...
//
// (a)  raw:     IPCTNL_MSG_CT_GET dump, datagrams received and only the
//               nlmsghdr chain walked to find NLMSG_DONE;
// (b)  census:  NetlinkClient::census without peers (TopPeers 0);
// (c)  +peers:  the census as the plugin runs it with TopPeers N (sources,
//               destinations and the unreplied lists, default capacity);
// (d)  +tw:     the census as the ctwatch CLI runs it (also the TIME_WAIT lists);
// (b2), (c2):   (b) and (c) through this file's loop (census_with);
// (f), (g):     (b2) and (c2) without the status census
//               (core::census_add_without_status; (g) without unreplied lists);
// (e)  --nfct:  libnetfilter_conntrack's nfct_query with a callback;
// stats:        GET_STATS + GET_STATS_CPU per call, as every plugin read does;
// user space:   one dump's datagrams (up to 64 MiB) replayed from memory
//               through the walk and each census variant (--parse-only V:
//               the walk and variant V only, for callgrind).
// Every variant must count, each round, the entries the raw dump counted
// (within the churn seen between raw dumps plus --churn), and no message may
// be malformed: a census that stops early fails however fast it is.
// Commands run through /bin/sh -c, interleaved (rotating order), stdout and
// stderr to /dev/null; their peak RSS is wait4()'s ru_maxrss, which covers
// every process of a pipeline the shell waited for.
// Exit status 1 on a count mismatch, when a command exits non-zero or dies
// on a signal (a broken ctwatch must not pass as a fast one), or when
// --max-census-ratio is given and the median over rounds of (b)/(a) or
// (c)/(a) exceeds R. "result KEY VALUE" lines are for bench/run.sh.
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "core/netlink.hpp"
#include "core/peers.hpp"
#include "source/netlink_client.hpp"
#include "source/transport.hpp"

using namespace ctwatch;
using Clock = std::chrono::steady_clock;

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

std::unique_ptr<source::Transport> open_or_die() {
  auto t = source::open_netlink(10.0);
  if (!t) {
    std::fprintf(stderr, "netlink: %s: %s\n", t.error().message.c_str(), std::strerror(t.error().code));
    std::exit(1);
  }
  return std::move(*t);
}

// Returns entries seen (messages), or -1. With `keep`, also copies the
// datagrams there until it holds `keep_bytes` (the user-space section).
long raw_dump(source::Transport& t, std::vector<std::byte>& buf, std::uint32_t seq,
              std::vector<std::vector<std::byte>>* keep = nullptr, std::size_t keep_bytes = 0) {
  std::array<std::byte, core::kRequestSize> req;
  core::build_request(core::Request::Dump, seq, req);
  if (!t.send(req)) return -1;
  long msgs = 0;
  for (;;) {
    auto n = t.recv(buf);
    if (!n) return -1;
    if (keep) {
      std::size_t held = 0;
      for (const auto& d : *keep) held += d.size();
      if (held < keep_bytes) keep->emplace_back(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(*n));
    }
    std::size_t off = 0;
    while (*n - off >= NLMSG_HDRLEN) {
      nlmsghdr h;
      std::memcpy(&h, buf.data() + off, sizeof h);
      if (h.nlmsg_type == NLMSG_DONE || h.nlmsg_type == NLMSG_ERROR) return msgs;
      ++msgs;
      if (h.nlmsg_len < NLMSG_HDRLEN) return -1;
      off += NLMSG_ALIGN(h.nlmsg_len);
      if (off > *n) break;
    }
  }
}

struct Command {
  std::string label;
  std::string shell;
  std::vector<double> seconds;
  long max_rss_kib = 0;
  int last_status = 0;
};

// Runs `sh -c shell` with stdin, stdout and stderr on /dev/null.
bool run_command(Command& c) {
  const auto t0 = Clock::now();
  const pid_t pid = fork();
  if (pid < 0) return false;
  if (pid == 0) {
    const int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
      dup2(null, 0);
      dup2(null, 1);
      dup2(null, 2);
    }
    execl("/bin/sh", "sh", "-c", c.shell.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  rusage ru{};
  if (wait4(pid, &status, 0, &ru) != pid) return false;
  c.seconds.push_back(seconds_since(t0));
  c.max_rss_kib = std::max(c.max_rss_kib, ru.ru_maxrss);
  c.last_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return true;
}

void print_list(const char* name, const core::PeerList& l, bool endpoint) {
  std::printf("  %-22s %s, %llu counted", name, l.exact ? "exact" : "approximate",
              static_cast<unsigned long long>(l.counted));
  if (!l.exact) std::printf(", max error %llu", static_cast<unsigned long long>(l.max_error));
  if (!l.top.empty())
    std::printf(", top %s = %llu",
                (endpoint ? core::format_endpoint(l.top[0].key) : core::format_address(l.top[0].key)).c_str(),
                static_cast<unsigned long long>(l.top[0].count));
  std::printf("\n");
}

// The libnetfilter_conntrack way: nfct_query(NFCT_Q_DUMP) with a callback per
// entry (what most tools do). It parses every attribute into a struct
// nf_conntrack, which is the cost the census avoids.
int nfct_count_cb(enum nf_conntrack_msg_type, struct nf_conntrack* ct, void* data) {
  auto* counts = static_cast<std::uint64_t*>(data);
  ++counts[0];
  if (nfct_get_attr_u8(ct, ATTR_L4PROTO) == IPPROTO_TCP && nfct_get_attr_u8(ct, ATTR_TCP_STATE) == 7) ++counts[1];
  return NFCT_CB_CONTINUE;
}

long nfct_dump(nfct_handle* h) {
  std::uint64_t counts[2] = {0, 0};
  nfct_callback_unregister(h);
  if (nfct_callback_register(h, NFCT_T_ALL, nfct_count_cb, counts) < 0) return -1;
  std::uint32_t family = AF_UNSPEC;
  if (nfct_query(h, NFCT_Q_DUMP, &family) < 0) return -1;
  return static_cast<long>(counts[0]);
}

using AddFn = bool (*)(core::Census&, core::Bytes, core::PeerTally*);

// The census through the same steps as source::NetlinkClient::census (one
// request, walk_messages over each datagram, census_add per ctnetlink
// message), with a chosen census_add: the variants without the status census.
std::optional<core::Census> census_with(source::Transport& t, std::vector<std::byte>& buf, std::uint32_t seq,
                                        AddFn add, core::PeerTally* peers) {
  std::array<std::byte, core::kRequestSize> req;
  core::build_request(core::Request::Dump, seq, req);
  if (!t.send(req)) return std::nullopt;
  core::Census c;
  if (peers) peers->clear();
  auto on = [&](const core::Message& m) {
    if ((m.type >> 8) == NFNL_SUBSYS_CTNETLINK) add(c, m.payload, peers);
  };
  for (;;) {
    auto n = t.recv(buf);
    if (!n) return std::nullopt;
    const auto res = core::walk_messages(core::Bytes(buf.data(), *n), seq, t.portid(), on);
    if (res.status == core::WalkStatus::Done) break;
    if (res.status != core::WalkStatus::More || res.dump_intr) return std::nullopt;
  }
  if (peers) c.top_peers = peers->top();
  return c;
}

// User space only: the same datagrams again, each copied into the receive
// buffer first (as recv() leaves it: in cache), then walked.
double parse_seconds(const std::vector<std::vector<std::byte>>& dgs, std::vector<std::byte>& buf, AddFn add,
                     core::PeerTally* peers, std::uint64_t& entries) {
  const auto t0 = Clock::now();
  core::Census c;
  if (peers) peers->clear();
  std::uint64_t msgs = 0;
  auto on = [&](const core::Message& m) {
    if (!add) {
      ++msgs;  // the walk alone, as the raw dump does
      return;
    }
    if ((m.type >> 8) == NFNL_SUBSYS_CTNETLINK) add(c, m.payload, peers);
  };
  for (const auto& d : dgs) {
    std::memcpy(buf.data(), d.data(), d.size());
    core::walk_messages(core::Bytes(buf.data(), d.size()), 0, 0, on);
  }
  if (peers) c.top_peers = peers->top();
  entries = add ? c.entries : msgs;
  return seconds_since(t0);
}

[[noreturn]] void usage(const char* argv0) {
  std::fprintf(stderr,
               "usage: %s [--rounds N] [--stats-calls N] [--top N] [--max-census-ratio R] [--churn N] [--nfct] "
               "[--parse-rounds N] [--parse-only V] [--cmd-rounds N] [--cmd LABEL=COMMAND]...\n",
               argv0);
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  int rounds = 7;
  int stats_calls = 2000;
  int cmd_rounds = -1;
  int parse_rounds = 15;
  int parse_only = -1;  // user-space section: only this variant (0-5) besides the walk (for callgrind)
  long churn = 0;
  bool with_nfct = false;
  double max_census_ratio = 0;  // 0: report only
  std::size_t top = 5;
  std::vector<Command> commands;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--rounds" && has_value) rounds = std::stoi(argv[++i]);
    else if (a == "--stats-calls" && has_value) stats_calls = std::stoi(argv[++i]);
    else if (a == "--top" && has_value) top = std::stoul(argv[++i]);
    else if (a == "--cmd-rounds" && has_value) cmd_rounds = std::stoi(argv[++i]);
    else if (a == "--parse-rounds" && has_value) parse_rounds = std::stoi(argv[++i]);
    else if (a == "--parse-only" && has_value) parse_only = std::stoi(argv[++i]);
    else if (a == "--churn" && has_value) churn = std::stol(argv[++i]);
    else if (a == "--nfct") with_nfct = true;
    else if (a == "--max-census-ratio" && has_value) max_census_ratio = std::stod(argv[++i]);
    else if (a == "--cmd" && has_value) {
      const std::string spec = argv[++i];
      const auto eq = spec.find('=');
      if (eq == std::string::npos || eq == 0) usage(argv[0]);
      commands.push_back(Command{spec.substr(0, eq), spec.substr(eq + 1), {}, 0, 0});
    } else {
      usage(argv[0]);
    }
  }
  if (rounds < 1 || top < 1 || churn < 0 || parse_rounds < 0) usage(argv[0]);
  if (cmd_rounds < 0) cmd_rounds = rounds;

  auto raw_t = open_or_die();
  auto own_t = open_or_die();
  std::vector<std::byte> buf(64 * 1024);
  source::NetlinkClient census(open_or_die());
  source::NetlinkClient stats(open_or_die());
  std::random_device rd;
  core::PeerOptions plugin_opt;
  plugin_opt.top = top;
  core::PeerTally plugin_peers(plugin_opt, rd());
  core::PeerOptions cli_opt = plugin_opt;
  cli_opt.time_wait = true;
  core::PeerTally cli_peers(cli_opt, rd());
  // TopPeers as it was before the status census: no unreplied lists.
  core::PeerOptions old_opt = plugin_opt;
  old_opt.unreplied = false;
  core::PeerTally old_peers(old_opt, rd());

  nfct_handle* nfct = nfct_open(CONNTRACK, 0);
  if (!nfct) {
    std::fprintf(stderr, "nfct_open: %s\n", std::strerror(errno));
    return 1;
  }
  // (b)-(d) run through source::NetlinkClient, the plugin's and the CLI's
  // code; (b2), (c2), (f), (g) through census_with(), the same steps with a
  // chosen census_add, so (f)/(b2) and (g)/(c2) differ only by the status
  // census.
  enum { kRaw, kCensus, kPeers, kCli, kCensus2, kPeers2, kNoStatus, kPeersNoStatus, kNfct, kVariants };
  const char* names[kVariants] = {"(a) raw dump",           "(b) census",
                                  "(c) census+TopPeers",    "(d) census as CLI",
                                  "(b2) (b), own loop",     "(c2) (c), own loop",
                                  "(f) (b2) without status", "(g) (c2) without status",
                                  "(e) nfct_query callback"};
  const char* keys[kVariants] = {"raw",          "census",           "census_top_peers", "census_cli",
                                 "census_loop",  "census_top_peers_loop", "census_no_status",
                                 "census_top_peers_no_status", "nfct"};
  const int variants = with_nfct ? kVariants : kNfct;
  std::vector<double> secs[kVariants];
  std::vector<long> counts[kVariants];
  std::optional<core::TopPeers> last_plugin, last_cli;
  std::uint64_t malformed = 0;
  std::uint32_t seq = 1;
  std::mt19937 order_rng(1);
  std::vector<int> order(static_cast<std::size_t>(variants));
  for (int k = 0; k < variants; ++k) order[static_cast<std::size_t>(k)] = k;
  for (int r = 0; r < rounds; ++r) {
    // A new order every round (seeded): no variant always runs first, or
    // always right after the same other one.
    std::shuffle(order.begin(), order.end(), order_rng);
    for (const int v : order) {
      const auto t0 = Clock::now();
      long n = -1;
      if (v == kRaw) {
        n = raw_dump(*raw_t, buf, seq++);
        if (n < 0) return 1;
      } else if (v == kNfct) {
        n = nfct_dump(nfct);
        if (n < 0) {
          std::fprintf(stderr, "nfct_query: %s\n", std::strerror(errno));
          return 1;
        }
      } else if (v == kCensus2 || v == kPeers2 || v == kNoStatus || v == kPeersNoStatus) {
        const bool status = v == kCensus2 || v == kPeers2;
        core::PeerTally* peers = v == kPeers2 ? &plugin_peers : v == kPeersNoStatus ? &old_peers : nullptr;
        auto c = census_with(*own_t, buf, seq++, status ? core::census_add : core::census_add_without_status, peers);
        if (!c) {
          std::fprintf(stderr, "census without status: the dump failed\n");
          return 1;
        }
        n = static_cast<long>(c->entries);
        malformed += c->malformed;
      } else {
        core::PeerTally* peers = v == kCensus ? nullptr : v == kPeers ? &plugin_peers : &cli_peers;
        auto c = census.census(Clock::now() + std::chrono::seconds(60), peers);
        if (!c) {
          std::fprintf(stderr, "census: %s: %s\n", c.error().message.c_str(), std::strerror(c.error().code));
          return 1;
        }
        n = static_cast<long>(c->entries);
        malformed += c->malformed;
        if (v == kPeers) last_plugin = c->top_peers;
        if (v == kCli) last_cli = c->top_peers;
      }
      secs[v].push_back(seconds_since(t0));
      counts[v].push_back(n);
    }
  }
  nfct_close(nfct);

  // Every variant must count what the raw dump counts, round by round: the
  // table may change between two dumps of one round by at most what it
  // changed between two raw dumps (the churn observed) plus --churn. A census
  // that stops early, skips or double-counts entries fails here, however
  // fast it is.
  bool ok = true;
  long observed_churn = 0;
  for (int r = 1; r < rounds; ++r) observed_churn = std::max(observed_churn, std::labs(counts[kRaw][r] - counts[kRaw][r - 1]));
  const long allowed = churn + observed_churn;
  long worst = 0;
  for (int v = 1; v < variants; ++v)
    for (int r = 0; r < rounds; ++r) {
      const long d = std::labs(counts[v][r] - counts[kRaw][r]);
      worst = std::max(worst, d);
      if (d > allowed) {
        std::fprintf(stderr, "FAIL: round %d: %s counted %ld entries, the raw dump %ld (allowed difference %ld)\n",
                     r + 1, names[v], counts[v][r], counts[kRaw][r], allowed);
        ok = false;
      }
    }
  if (malformed) {
    std::fprintf(stderr, "FAIL: the census skipped %llu malformed messages\n", static_cast<unsigned long long>(malformed));
    ok = false;
  }
  if (counts[kRaw][0] <= 0) {
    std::fprintf(stderr, "FAIL: the raw dump saw no entry (is this the filled namespace?)\n");
    ok = false;
  }

  const auto s0 = Clock::now();
  for (int i = 0; i < stats_calls; ++i) {
    const auto dl = Clock::now() + std::chrono::seconds(2);
    if (!stats.stats(dl) || !stats.stats_cpu(dl)) return 1;
  }
  const double per_stats = seconds_since(s0) / stats_calls;

  // Peak RSS of the census variants, before the section below holds a dump.
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);

  // User space alone: one dump's datagrams (up to 64 MiB) kept, then walked
  // again in memory, interleaved: the walk alone (what (a) does) and each
  // census variant. Its cost per entry, set against the raw dump's per entry,
  // is what each feature adds to a census, without the kernel's noise.
  enum { kPWalk, kPCensus, kPPeers, kPCli, kPNoStatus, kPPeersNoStatus, kParse };
  const char* pnames[kParse] = {"walk only (a)", "(b) census", "(c) +TopPeers", "(d) as CLI", "(f) (b) no status",
                                "(g) (c) no status"};
  const AddFn padd[kParse] = {nullptr, core::census_add, core::census_add, core::census_add,
                              core::census_add_without_status, core::census_add_without_status};
  const char* pkeys[kParse] = {"walk", "census", "census_top_peers", "census_cli", "census_no_status",
                               "census_top_peers_no_status"};
  core::PeerTally* ppeers[kParse] = {nullptr, nullptr, &plugin_peers, &cli_peers, nullptr, &old_peers};
  std::vector<double> psecs[kParse];
  std::uint64_t parsed = 0;
  if (parse_rounds > 0) {
    std::vector<std::vector<std::byte>> dgs;
    if (raw_dump(*raw_t, buf, seq++, &dgs, 64u << 20) < 0) return 1;
    for (int r = 0; r < parse_rounds; ++r)
      for (int k = 0; k < kParse; ++k) {
        const int v = (r + k) % kParse;
        if (parse_only >= 0 && v != kPWalk && v != parse_only) continue;
        std::uint64_t n = 0;
        psecs[v].push_back(parse_seconds(dgs, buf, padd[v], ppeers[v], n));
        if (v == kPWalk) parsed = n;
        else if (n != parsed && parsed) {
          std::fprintf(stderr, "FAIL: in memory, %s counted %llu entries, the walk %llu\n", pnames[v],
                       static_cast<unsigned long long>(n), static_cast<unsigned long long>(parsed));
          ok = false;
        }
      }
  }
  const double raw = median(secs[kRaw]);
  const long entries = counts[kRaw].back();
  const double per_entry = entries ? 1e6 / static_cast<double>(entries) : 0.0;
  std::printf("entries            %ld (every variant counted the raw dump's entries within %ld in every round; "
              "churn allowed %ld)\n",
              entries, worst, allowed);
  std::printf("rounds             %d (interleaved, medians); TopPeers %zu, sketch capacity %zu\n", rounds, top,
              plugin_peers.top().capacity);
  std::vector<double> ratio(kVariants, 0.0);
  for (int v = 0; v < variants; ++v) {
    std::vector<double> rs;
    for (std::size_t r = 0; r < secs[v].size(); ++r) rs.push_back(secs[v][r] / secs[kRaw][r]);
    ratio[v] = median(rs);
    const double m = median(secs[v]);
    std::printf("%-24s %.4f s  %.3f us/entry  %.3fx (median of per-round ratios)\n", names[v], m, m * per_entry,
                ratio[v]);
  }
  if (last_plugin) {
    print_list("sources", last_plugin->sources, false);
    print_list("destinations", last_plugin->destinations, true);
    if (last_plugin->unreplied_sources) print_list("unreplied sources", *last_plugin->unreplied_sources, false);
  }
  if (last_cli && last_cli->time_wait_sources) print_list("TIME_WAIT sources", *last_cli->time_wait_sources, false);
  if (parse_rounds > 0 && parsed > 0) {
    const double pe = 1e9 / static_cast<double>(parsed);
    std::printf("user space alone   %llu entries of one dump, in memory, %d rounds (ns/entry; %% of a raw dump's "
                "time per entry)\n",
                static_cast<unsigned long long>(parsed), parse_rounds);
    for (int v = 0; v < kParse; ++v) {
      if (psecs[v].empty()) continue;
      const double ns = median(psecs[v]) * pe;
      std::printf("  %-20s %7.1f ns/entry  %5.2f %%\n", pnames[v], ns, raw > 0 ? ns / (raw * per_entry * 1e3) * 100 : 0);
    }
  }
  std::printf("stats path         %.1f us per read (GET_STATS + GET_STATS_CPU, %d calls)\n", per_stats * 1e6, stats_calls);
  std::printf("peak RSS           %ld KiB (this process, every variant above; before the user-space section)\n", ru.ru_maxrss);
  // Machine-readable, for bench/run.sh (docs/performance.md).
  std::printf("result entries %ld\n", entries);
  std::printf("result raw_us_per_entry %.4f\n", raw * per_entry);
  std::printf("result peak_rss_kib %ld\n", ru.ru_maxrss);
  for (int v = 1; v < variants; ++v) std::printf("result ratio_%s %.4f\n", keys[v], ratio[v]);
  if (parse_rounds > 0 && parsed > 0)
    for (int v = 0; v < kParse; ++v)
      if (!psecs[v].empty()) std::printf("result parse_ns_%s %.2f\n", pkeys[v], median(psecs[v]) * 1e9 / static_cast<double>(parsed));
  // A plugin read makes this call per namespace, every Interval: its target
  // is 1 ms (docs/performance.md, "Stats path").
  if (per_stats > 1e-3) {
    std::fprintf(stderr, "FAIL: the stats path took %.0f us per read (target 1 ms)\n", per_stats * 1e6);
    ok = false;
  }
  // The limit is checked on the median of per-round ratios: the variants of
  // one round run back to back, so a neighbour's burst of load that slows a
  // whole round cancels out, where it would skew one median of times.
  for (int v : {kCensus, kPeers})
    if (max_census_ratio > 0 && ratio[v] > max_census_ratio) {
      std::fprintf(stderr, "FAIL: %s took %.3fx the raw dump (limit %.2fx)\n", names[v], ratio[v], max_census_ratio);
      ok = false;
    }

  if (commands.empty() || !ok) return ok ? 0 : 1;
  for (int r = 0; r < cmd_rounds; ++r)
    for (std::size_t k = 0; k < commands.size(); ++k) {
      Command& c = commands[(static_cast<std::size_t>(r) + k) % commands.size()];
      if (!run_command(c)) {
        std::fprintf(stderr, "cannot run %s\n", c.shell.c_str());
        return 1;
      }
      if (c.last_status != 0) {
        std::fprintf(stderr, "FAIL: %s (%s) exited with status %d\n", c.label.c_str(), c.shell.c_str(),
                     c.last_status);
        return 1;
      }
    }
  std::printf("commands           %d rounds (interleaved, medians; raw dump above = %.4f s)\n", cmd_rounds, raw);
  for (const auto& c : commands)
    std::printf("  %-28s %.4f s  %.2fx raw  peak RSS %ld KiB\n", c.label.c_str(), median(c.seconds),
                raw > 0 ? median(c.seconds) / raw : 0.0, c.max_rss_kib);
  const double first = median(commands[0].seconds);
  for (std::size_t i = 1; i < commands.size(); ++i) {
    const double other = median(commands[i].seconds);
    std::printf("  %s vs %s: %.2fx %s\n", commands[0].label.c_str(), commands[i].label.c_str(),
                first > 0 ? other / first : 0.0, other >= first ? "faster" : "SLOWER");
  }
  for (const auto& c : commands) {
    std::printf("result cmd %s=%.4f\n", c.label.c_str(), raw > 0 ? median(c.seconds) / raw : 0.0);
    std::printf("result cmd_rss %s=%ld\n", c.label.c_str(), c.max_rss_kib);
  }
  return 0;
}
