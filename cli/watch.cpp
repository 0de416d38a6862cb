// SPDX-License-Identifier: GPL-2.0-only
#include "cli/watch.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <random>
#include <string>

#include "cli/explain.hpp"
#include "cli/watch_view.hpp"
#include "core/census_budget.hpp"
#include "core/config.hpp"
#include "core/fill_trend.hpp"
#include "core/peers.hpp"

namespace ctwatch::cli {
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kCensusDeadline = std::chrono::seconds(300);
constexpr std::size_t kDefaultWatchTop = 10;

double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

std::string wall_clock() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%H:%M:%S", &tm);
  return buf;
}

bool write_all(const std::string& s) {
  std::size_t off = 0;
  while (off < s.size()) {
    const ssize_t n = ::write(STDOUT_FILENO, s.data() + off, s.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    off += static_cast<std::size_t>(n);
  }
  return true;
}

// The terminal while the view runs: alternate screen, hidden cursor, and
// keys neither echoed nor line-buffered (so `q` quits at once and typing
// does not garble the screen; Ctrl-C still sends SIGINT). Restored by the
// destructor, which every way out passes through (signals arrive through a
// signalfd, never interrupting a write halfway).
class Screen {
 public:
  explicit Screen(bool tty) : tty_(tty) {
    if (!tty_) return;
    if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved_) == 0) {
      termios raw = saved_;
      raw.c_lflag &= ~static_cast<tcflag_t>(ECHO | ICANON);
      raw.c_cc[VMIN] = 0;
      raw.c_cc[VTIME] = 0;
      have_saved_ = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
    }
    write_all("\x1b[?1049h\x1b[?25l\x1b[H\x1b[2J");
  }
  ~Screen() {
    if (!tty_) return;
    write_all("\x1b[?25h\x1b[?1049l");
    if (have_saved_) tcsetattr(STDIN_FILENO, TCSANOW, &saved_);
  }
  Screen(const Screen&) = delete;
  Screen& operator=(const Screen&) = delete;

  bool keys() const { return have_saved_; }

  // The frame, in place: cursor home, each line then erase to its end,
  // erase below. A line of the full width is not followed by an erase (the
  // cursor waits in the last column), and the last line of a full screen by
  // no newline (it would scroll).
  bool draw(const std::vector<std::string>& lines, std::size_t width, std::size_t height) {
    std::string out = "\x1b[H";
    for (std::size_t i = 0; i < lines.size(); ++i) {
      out += lines[i];
      if (lines[i].size() < width) out += "\x1b[K";
      if (i + 1 < lines.size()) out += "\r\n";
    }
    if (lines.size() < height) out += "\r\n\x1b[J";
    return write_all(out);
  }

 private:
  bool tty_;
  termios saved_{};
  bool have_saved_ = false;
};

void terminal_size(std::size_t& width, std::size_t& height) {
  winsize ws{};
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0) {
    width = ws.ws_col;
    height = ws.ws_row;
  } else {
    width = 80;
    height = 24;
  }
}

}  // namespace

int run_watch(const Options& o, Live& live) {
  source::NamespaceSampler& sampler = *live.sampler;
  const double refresh = *o.watch;
  const bool tty = isatty(STDOUT_FILENO) == 1;

  // Signals through a signalfd: blocked here (threads the sampler starts
  // for setns inherit the mask), read in the poll below.
  sigset_t set;
  sigemptyset(&set);
  for (int s : {SIGINT, SIGTERM, SIGHUP, SIGWINCH}) sigaddset(&set, s);
  if (sigprocmask(SIG_BLOCK, &set, nullptr) != 0) return kExitError;
  const int sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
  if (sfd < 0) {
    std::fprintf(stderr, "ctwatch: signalfd: %s\n", std::strerror(errno));
    return kExitError;
  }

  WatchFrame f;
  f.where = o.netns.empty() ? "this network namespace" : "namespace " + o.netns;
  f.refresh_seconds = refresh;
  f.top = o.top_given ? o.top : kDefaultWatchTop;
  if (live.refused) f.limited = limited_short(*live.refused);

  core::FillTrendOptions fo;
  fo.sample_interval = refresh;
  core::FillTrend trend(fo);
  // The plugin's default CensusBudget and its burst (census_schedule.cpp),
  // with the refresh as the census interval.
  const double percent = core::Config{}.census_budget;
  core::CensusBudget budget(percent, percent / 100.0 * refresh);
  double last_census_cpu = 0;
  std::optional<Clock::time_point> census_at;
  std::optional<core::PeerTally> tally;
  if (f.top > 0) {
    core::PeerOptions po;
    po.top = f.top;
    po.unreplied = false;
    std::random_device rd;
    tally.emplace(po, (std::uint64_t{rd()} << 32) | rd());
  }

  const auto t0 = Clock::now();
  auto secs = [&](Clock::time_point t) { return std::chrono::duration<double>(t - t0).count(); };
  std::optional<core::CounterTotals> prev_totals;
  Clock::time_point prev_at{};
  std::size_t width = 80, height = 0;

  Screen screen(tty);
  std::vector<std::string> lines;
  auto draw = [&] {
    if (tty) {
      terminal_size(width, height);
      lines = render_watch(f, width, height);
      return screen.draw(lines, width, height);
    }
    std::string out;
    for (const auto& l : render_watch(f, 80, 0)) out += l + "\n";
    return write_all(out + "\n");
  };

  source::SampleResult s = std::move(live.first);
  for (auto next = Clock::now();; ) {
    const auto now = Clock::now();
    f.clock = wall_clock();
    if (s.error) {
      f.error = explain(*s.error, Stage::Stats, o.netns_path);
    } else {
      f.error.reset();
      f.source = s.snapshot.source;
      f.entries = s.snapshot.entries;
      f.max_entries = s.snapshot.max_entries;
      if (f.entries) {
        trend.add(secs(now), *f.entries);
        f.peak = std::max(f.peak.value_or(0), *f.entries);
      }
      if (f.max_entries) f.seconds_to_full = trend.seconds_to_full(*f.max_entries);
      f.growth = trend.growth();
      if (prev_totals) {
        const double dt = std::chrono::duration<double>(now - prev_at).count();
        std::array<std::optional<double>, core::kCounterCount> r{};
        for (std::size_t i = 0; i < core::kCounterCount; ++i) {
          const auto a = (*prev_totals)[i], b = s.snapshot.counters[i];
          if (a && b && *b >= *a && dt > 0) r[i] = static_cast<double>(*b - *a) / dt;
        }
        f.rates = r;
      }
      f.totals = s.snapshot.counters;
      prev_totals = s.snapshot.counters;
      prev_at = now;
    }
    // The census, when the CPU budget has paid for the previous one's cost.
    if (sampler.source() == core::Source::Netlink && budget.may_start(secs(now), last_census_cpu)) {
      const double c0 = cpu_seconds();
      const auto w0 = Clock::now();
      auto census = sampler.census(w0 + kCensusDeadline, tally ? &*tally : nullptr);
      last_census_cpu = cpu_seconds() - c0;
      budget.charge(last_census_cpu, secs(Clock::now()));
      if (census) {
        f.census = std::move(*census);
        f.census_seconds = std::chrono::duration<double>(Clock::now() - w0).count();
        census_at = w0;
        f.peak = std::max(f.peak.value_or(0), f.census->entries);
        f.census_every = budget.sustainable_interval(last_census_cpu);
      } else {
        f.error = explain(census.error(), Stage::Census, o.netns_path);
      }
    }
    if (census_at) f.census_age = std::chrono::duration<double>(Clock::now() - *census_at).count();
    if (sampler.source() == core::Source::Proc && !f.limited && live.refused) f.limited = limited_short(*live.refused);
    if (!draw()) return kExitError;  // the terminal or pipe went away

    next += std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(refresh));
    if (next < Clock::now()) next = Clock::now();  // a slow census: no burst of catch-up refreshes
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(next - Clock::now()).count();
      if (left <= 0) break;
      pollfd fds[2] = {{sfd, POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
      const int n = poll(fds, screen.keys() ? 2 : 1, static_cast<int>(left));
      if (n < 0 && errno != EINTR) return kExitError;
      if (n <= 0) continue;
      if (fds[0].revents & POLLIN) {
        signalfd_siginfo si{};
        while (read(sfd, &si, sizeof si) == static_cast<ssize_t>(sizeof si)) {
          if (si.ssi_signo == SIGWINCH) {
            if (!draw()) return kExitError;
          } else {
            return kExitOk;  // SIGINT, SIGTERM, SIGHUP: Screen restores the terminal
          }
        }
      }
      if (screen.keys() && (fds[1].revents & POLLIN)) {
        char c = 0;
        if (read(STDIN_FILENO, &c, 1) == 1 && (c == 'q' || c == 'Q')) return kExitOk;
      }
    }
    s = sampler.sample();
    // On /proc an unreadable stat file leaves the counters absent: not an error.
    if (s.error && sampler.source() == core::Source::Proc && s.snapshot.entries) s.error.reset();
  }
}

}  // namespace ctwatch::cli
