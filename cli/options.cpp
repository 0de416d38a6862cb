// SPDX-License-Identifier: GPL-2.0-only
#include "cli/options.hpp"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>

namespace ctwatch::cli {

const char* const kHelp =
    "usage: ctwatch [--netns NAME|PATH] [--interval SECONDS] [--top N] [--json | --sysctl]\n"
    "       ctwatch --watch [SECONDS] [--netns NAME|PATH] [--top N]\n"
    "       ctwatch --rate N[/s] [--hold SECONDS] [--json | --sysctl]\n"
    "\n"
    "Is conntrack the problem, and who is doing it? One look at the netfilter\n"
    "connection-tracking table of one network namespace: how full it is, what it\n"
    "holds (TCP states, protocols), the kernel's counters, the peers holding the\n"
    "most entries, the tuning values, and findings in plain language.\n"
    "\n"
    "  --netns NAME|PATH  the namespace to look at: a NAME from `ip netns list`\n"
    "                     (/var/run/netns/NAME) or a PATH such as /proc/PID/ns/net.\n"
    "                     Default: the namespace ctwatch runs in.\n"
    "  --interval SECONDS read the counters twice, SECONDS apart (0 < SECONDS <= 3600),\n"
    "                     and show how much they rose: are drops happening now?\n"
    "  --top N            list the N sources and N destination address:port pairs\n"
    "                     holding the most entries, overall and in TIME_WAIT\n"
    "                     (default 5, 0 to skip, at most 1000).\n"
    "  --watch [SECONDS]  a live view, refreshed in place every SECONDS (default 2,\n"
    "                     at least 0.5) until Ctrl-C: fill, peak, time to full,\n"
    "                     counter rates, TCP states, top peers. Plain text blocks\n"
    "                     when the output is not a terminal.\n"
    "  --json             the same data as one JSON object, for scripts.\n"
    "  --sysctl           print only a sysctl.d snippet setting the recommended\n"
    "                     nf_conntrack_max and nf_conntrack_buckets.\n"
    "  --rate N[/s]       capacity planning without a live table: size for N new\n"
    "                     connections (entries) per second.\n"
    "  --hold SECONDS     how long each entry stays after its connection (default:\n"
    "                     this host's nf_conntrack_tcp_timeout_time_wait, else 120).\n"
    "                     Only with --rate.\n"
    "  -h, --help         this text.   --version   the version.\n"
    "\n"
    "The census (TCP states, protocols, top peers) reads the table over ctnetlink\n"
    "and needs CAP_NET_ADMIN; without it ctwatch shows what /proc offers (count,\n"
    "max, fill, the counters, tuning) and says so. --netns needs CAP_SYS_ADMIN.\n"
    "It only reads: one dump of the table (IPCTNL_MSG_CT_GET) and the statistics,\n"
    "like `conntrack -L` and `conntrack -S`, but faster and in bounded memory.\n"
    "Exit status: 0 ok (findings or not, also without CAP_NET_ADMIN; --watch\n"
    "ended by Ctrl-C or SIGTERM), 1 error (message on stderr), 2 usage.\n"
    "See ctwatch(1) for what every finding means.\n";

namespace {

core::Error usage(std::string msg) { return core::Error{EINVAL, std::move(msg)}; }

// Whole-string decimal number (strtod accepts "1e3", rejects "5s").
std::optional<double> to_double(const std::string& s) {
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(s.c_str(), &end);
  if (errno != 0 || end != s.c_str() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<std::size_t> to_size(const std::string& s) {
  std::size_t v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

std::string netns_path(const std::string& name_or_path) {
  if (name_or_path.find('/') != std::string::npos) return name_or_path;
  return "/var/run/netns/" + name_or_path;
}

core::Result<Options> parse_args(const std::vector<std::string>& args) {
  Options o;
  bool netns_seen = false, interval_seen = false, top_seen = false, rate_seen = false, hold_seen = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string a = args[i];
    std::optional<std::string> inline_value;
    if (a.rfind("--", 0) == 0) {
      if (const auto eq = a.find('='); eq != std::string::npos) {
        inline_value = a.substr(eq + 1);
        a.resize(eq);
      }
    }
    auto value = [&]() -> std::optional<std::string> {
      if (inline_value) return inline_value;
      if (i + 1 < args.size()) return args[++i];
      return std::nullopt;
    };
    auto flag = [&](bool& f) -> core::Status {
      if (inline_value) return usage("option " + a + " takes no value");
      f = true;
      return core::Ok{};
    };
    if (a == "-h" || a == "--help") {
      if (auto s = flag(o.help); !s) return s.error();
    } else if (a == "--version") {
      if (auto s = flag(o.version); !s) return s.error();
    } else if (a == "--json") {
      if (auto s = flag(o.json); !s) return s.error();
    } else if (a == "--sysctl") {
      if (auto s = flag(o.sysctl); !s) return s.error();
    } else if (a == "--rate") {
      const auto v = value();
      if (!v) return usage("option --rate needs a number of new connections per second (N or N/s)");
      std::string n = *v;
      if (n.size() > 2 && n.compare(n.size() - 2, 2, "/s") == 0) n.resize(n.size() - 2);
      const auto d = to_double(n);
      if (!d || *d <= 0 || *d > kMaxRate)
        return usage("option --rate: \"" + *v + "\" is not a rate above 0 and at most 1e8 per second (N or N/s)");
      if (rate_seen) return usage("option --rate given twice");
      rate_seen = true;
      o.rate = *d;
    } else if (a == "--hold") {
      const auto v = value();
      if (!v) return usage("option --hold needs a number of SECONDS");
      const auto d = to_double(*v);
      if (!d || *d <= 0 || *d > kMaxHold)
        return usage("option --hold: \"" + *v + "\" is not a number of seconds above 0 and at most 432000");
      if (hold_seen) return usage("option --hold given twice");
      hold_seen = true;
      o.hold = *d;
    } else if (a == "--watch") {
      // SECONDS is optional: taken from the next argument only when that is
      // a number, so `--watch --top 3` works.
      std::optional<std::string> v = inline_value;
      if (!v && i + 1 < args.size() && to_double(args[i + 1])) v = args[++i];
      const auto d = v ? to_double(*v) : std::optional<double>(kDefaultWatch);
      if (!d || *d < kMinWatch || *d > kMaxInterval)
        return usage("option --watch: \"" + v.value_or("") +
                     "\" is not a number of seconds from 0.5 to 3600 between refreshes");
      if (o.watch) return usage("option --watch given twice");
      o.watch = *d;
    } else if (a == "--netns") {
      const auto v = value();
      if (!v || v->empty()) return usage("option --netns needs a namespace NAME or PATH");
      if (netns_seen) return usage("option --netns given twice");
      netns_seen = true;
      o.netns = *v;
      o.netns_path = netns_path(*v);
    } else if (a == "--interval") {
      const auto v = value();
      if (!v) return usage("option --interval needs a number of SECONDS");
      const auto d = to_double(*v);
      if (!d || *d <= 0 || *d > kMaxInterval)
        return usage("option --interval: \"" + *v + "\" is not a number of seconds above 0 and at most 3600");
      if (interval_seen) return usage("option --interval given twice");
      interval_seen = true;
      o.interval = *d;
    } else if (a == "--top") {
      const auto v = value();
      if (!v) return usage("option --top needs a number N");
      const auto n = to_size(*v);
      if (!n || *n > kMaxTop) return usage("option --top: \"" + *v + "\" is not a whole number from 0 to 1000");
      if (top_seen) return usage("option --top given twice");
      top_seen = true;
      o.top = *n;
      o.top_given = true;
    } else if (!a.empty() && a[0] == '-') {
      return usage("unknown option " + a);
    } else {
      return usage("unexpected argument \"" + a + "\" (a namespace is given with --netns)");
    }
  }
  // Options that cannot go together: say which, never pick one silently.
  if (o.json && o.sysctl)
    return usage("options --json and --sysctl cannot go together: --sysctl prints only a sysctl.d snippet, "
                 "--json the whole report (its sizing is in .sizing)");
  if (o.rate && o.watch) return usage("options --rate and --watch cannot go together: --rate plans without a live table");
  if (o.rate && (netns_seen || interval_seen || top_seen))
    return usage("option --rate plans without a live table: it does not go with --netns, --interval or --top");
  if (o.watch && (o.json || o.sysctl || interval_seen))
    return usage(std::string("option --watch cannot go with ") +
                 (o.json ? "--json" : o.sysctl ? "--sysctl" : "--interval") +
                 ": the live view is text for a person, refreshed every --watch SECONDS");
  if (hold_seen && !o.rate)
    return usage("option --hold sizes a planned --rate: it needs --rate (a live table is sized from its peak)");
  return o;
}

}  // namespace ctwatch::cli
