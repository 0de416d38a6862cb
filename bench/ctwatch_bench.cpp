// SPDX-License-Identifier: GPL-2.0-only
// ctwatch-bench: the census and the stats path against a raw dump, measured
// side by side (interleaved rounds, medians) in the calling namespace, and
// optionally whole commands (the ctwatch CLI, `conntrack -L`, a pipeline).
//
//   ip netns exec NS ctwatch-bench [--rounds N] [--stats-calls N] [--top N]
//                                  [--max-census-ratio R]
//                                  [--cmd-rounds N] [--cmd LABEL=COMMAND]...
//
// (a) raw:     IPCTNL_MSG_CT_GET dump, datagrams received and only the
//              nlmsghdr chain walked to find NLMSG_DONE;
// (b) census:  NetlinkClient::census without peers (TopPeers 0);
// (c) +peers:  the census as the plugin runs it with TopPeers N (sources and
//              destinations, default sketch capacity);
// (d) +tw:     the census as the ctwatch CLI runs it (also the TIME_WAIT lists);
// stats:       GET_STATS + GET_STATS_CPU per call, as every plugin read does.
// Commands run through /bin/sh -c, interleaved (rotating order), stdout and
// stderr to /dev/null; their peak RSS is wait4()'s ru_maxrss, which covers
// every process of a pipeline the shell waited for.
// Exit status 1 when a command exits non-zero or dies on a signal (a broken
// ctwatch must not pass as a fast one), or when --max-census-ratio is given
// and the median over rounds of (b)/(a) or (c)/(a) exceeds R.
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

// Returns entries seen (messages), or -1.
long raw_dump(source::Transport& t, std::vector<std::byte>& buf, std::uint32_t seq) {
  std::array<std::byte, core::kRequestSize> req;
  core::build_request(core::Request::Dump, seq, req);
  if (!t.send(req)) return -1;
  long msgs = 0;
  for (;;) {
    auto n = t.recv(buf);
    if (!n) return -1;
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

[[noreturn]] void usage(const char* argv0) {
  std::fprintf(stderr,
               "usage: %s [--rounds N] [--stats-calls N] [--top N] [--max-census-ratio R] [--cmd-rounds N] "
               "[--cmd LABEL=COMMAND]...\n",
               argv0);
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  int rounds = 7;
  int stats_calls = 2000;
  int cmd_rounds = -1;
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
  if (rounds < 1 || top < 1) usage(argv[0]);
  if (cmd_rounds < 0) cmd_rounds = rounds;

  auto raw_t = open_or_die();
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

  nfct_handle* nfct = nfct_open(CONNTRACK, 0);
  if (!nfct) {
    std::fprintf(stderr, "nfct_open: %s\n", std::strerror(errno));
    return 1;
  }
  constexpr int kVariants = 5;
  const char* names[kVariants] = {"(a) raw dump", "(b) census", "(c) census+TopPeers", "(d) census as CLI",
                                  "(e) nfct_query callback"};
  std::vector<double> secs[kVariants];
  long entries = 0;
  std::uint64_t census_entries = 0;
  std::optional<core::TopPeers> last_plugin, last_cli;
  std::uint32_t seq = 1;
  for (int r = 0; r < rounds; ++r) {
    // Rotate the order so no variant always runs on a warmer cache.
    for (int k = 0; k < kVariants; ++k) {
      const int v = (r + k) % kVariants;
      const auto t0 = Clock::now();
      if (v == 0) {
        entries = raw_dump(*raw_t, buf, seq++);
        if (entries < 0) return 1;
      } else if (v == 4) {
        if (nfct_dump(nfct) < 0) {
          std::fprintf(stderr, "nfct_query: %s\n", std::strerror(errno));
          return 1;
        }
      } else {
        core::PeerTally* peers = v == 1 ? nullptr : v == 2 ? &plugin_peers : &cli_peers;
        auto c = census.census(Clock::now() + std::chrono::seconds(60), peers);
        if (!c) {
          std::fprintf(stderr, "census: %s: %s\n", c.error().message.c_str(), std::strerror(c.error().code));
          return 1;
        }
        census_entries = c->entries;
        if (v == 2) last_plugin = c->top_peers;
        if (v == 3) last_cli = c->top_peers;
      }
      secs[v].push_back(seconds_since(t0));
    }
  }
  nfct_close(nfct);
  const auto s0 = Clock::now();
  for (int i = 0; i < stats_calls; ++i) {
    const auto dl = Clock::now() + std::chrono::seconds(2);
    if (!stats.stats(dl) || !stats.stats_cpu(dl)) return 1;
  }
  const double per_stats = seconds_since(s0) / stats_calls;
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);

  const double raw = median(secs[0]);
  const double per_entry = entries ? 1e6 / static_cast<double>(entries) : 0.0;
  std::printf("entries            %ld (census counted %llu)\n", entries, static_cast<unsigned long long>(census_entries));
  std::printf("rounds             %d (interleaved, medians); TopPeers %zu, sketch capacity %zu\n", rounds, top,
              plugin_peers.top().capacity);
  for (int v = 0; v < kVariants; ++v) {
    const double m = median(secs[v]);
    std::printf("%-22s %.4f s  %.3f us/entry  %.3fx\n", names[v], m, m * per_entry, raw > 0 ? m / raw : 0.0);
  }
  if (last_plugin) {
    print_list("sources", last_plugin->sources, false);
    print_list("destinations", last_plugin->destinations, true);
  }
  if (last_cli && last_cli->time_wait_sources) print_list("TIME_WAIT sources", *last_cli->time_wait_sources, false);
  std::printf("stats path         %.1f us per read (GET_STATS + GET_STATS_CPU, %d calls)\n", per_stats * 1e6, stats_calls);
  std::printf("peak RSS           %ld KiB (this process, all variants)\n", ru.ru_maxrss);
  // The limit is checked on the median of per-round ratios: the variants of
  // one round run back to back, so a neighbour's burst of load that slows a
  // whole round cancels out, where it would skew one median of times.
  bool ok = true;
  for (int v : {1, 2}) {
    std::vector<double> ratios;
    for (std::size_t r = 0; r < secs[v].size(); ++r) ratios.push_back(secs[v][r] / secs[0][r]);
    const double ratio = median(ratios);
    if (max_census_ratio > 0) std::printf("%-22s %.3fx raw (median of per-round ratios)\n", names[v], ratio);
    if (max_census_ratio > 0 && ratio > max_census_ratio) {
      std::fprintf(stderr, "FAIL: %s took %.3fx the raw dump (limit %.2fx)\n", names[v], ratio, max_census_ratio);
      ok = false;
    }
  }

  if (commands.empty()) return ok ? 0 : 1;
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
  return ok ? 0 : 1;
}
