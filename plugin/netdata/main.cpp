// SPDX-License-Identifier: GPL-2.0-only
// ctwatch.plugin: Netdata's external plugin (plugins.d protocol) on the same
// Monitor as the collectd plugin. Netdata starts it as
//   ctwatch.plugin UPDATE_EVERY
// with NETDATA_USER_CONFIG_DIR / NETDATA_STOCK_CONFIG_DIR in the environment,
// reads the protocol from our stdout and puts our stderr into error.log.
//
// Lifecycle: config -> Monitor -> start the fast sampler -> every
// UPDATE_EVERY seconds (aligned to the wall clock, like Netdata's own
// heartbeat) Monitor::read() and ChartWriter::update(). A bad configuration
// prints DISABLE (plugins.d: Netdata does not restart us) and exits 1. We
// stop on SIGTERM/SIGINT, when stdout is gone (Netdata exited: EPIPE) or when
// our parent changed (Netdata died without closing the pipe).

#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "core/config.hpp"
#include "core/config_text.hpp"
#include "netdata/charts.hpp"
#include "source/monitor.hpp"

namespace {

using namespace ctwatch;

constexpr std::size_t kMaxConfigBytes = 1 << 20;

void log_line(const char* level, const std::string& msg) {
  // One write per line so lines from the sampler thread never interleave.
  const std::string line = std::string("ctwatch.plugin: ") + level + ": " + msg + "\n";
  [[maybe_unused]] const auto n = ::write(STDERR_FILENO, line.data(), line.size());
}

const char* level_name(source::LogLevel l) {
  switch (l) {
    case source::LogLevel::Error: return "ERROR";
    case source::LogLevel::Warning: return "WARNING";
    case source::LogLevel::Notice: return "NOTICE";
    case source::LogLevel::Info: return "INFO";
    case source::LogLevel::Debug: return "DEBUG";
  }
  return "INFO";
}

[[noreturn]] void disable(const std::string& why) {
  log_line("ERROR", why + "; disabled (fix it and restart netdata)");
  std::fputs("DISABLE\n", stdout);
  std::fflush(stdout);
  std::exit(1);
}

std::string env_or(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

// The user's file wins over the stock one, as for Netdata's own plugins
// (edit-config copies the stock file into NETDATA_USER_CONFIG_DIR).
core::Config load_config() {
  for (const std::string& dir : {env_or("NETDATA_USER_CONFIG_DIR", "/etc/netdata"),
                                env_or("NETDATA_STOCK_CONFIG_DIR", "/usr/lib/netdata/conf.d")}) {
    const std::string path = dir + "/ctwatch.conf";
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      if (errno == ENOENT) continue;
      disable("cannot read " + path + ": " + std::strerror(errno));
    }
    std::string text(kMaxConfigBytes + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxConfigBytes) disable(path + ": larger than 1 MiB");
    auto tree = core::parse_config_text(text, path);
    if (!tree) disable(tree.error().message);
    auto cfg = core::parse_config(*tree);
    if (!cfg) disable(path + ": " + cfg.error().message);
    log_line("INFO", "configuration from " + path);
    return *cfg;
  }
  return core::Config{};
}

int parse_update_every(int argc, char** argv) {
  if (argc < 2) return 1;
  char* end = nullptr;
  errno = 0;
  const long v = std::strtol(argv[1], &end, 10);
  if (errno != 0 || end == argv[1] || *end != '\0' || v < 1 || v > 86400)
    disable(std::string("update every \"") + argv[1] + "\": expected whole seconds from 1 to 86400");
  return static_cast<int>(v);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const int update_every = parse_update_every(argc, argv);
    const core::Config cfg = load_config();

    // SIGTERM/SIGINT are taken with sigtimedwait (our sleep), so blocked
    // before the sampler thread exists: it inherits the mask.
    sigset_t stop_set;
    sigemptyset(&stop_set);
    sigaddset(&stop_set, SIGTERM);
    sigaddset(&stop_set, SIGINT);
    sigaddset(&stop_set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &stop_set, nullptr);
    signal(SIGPIPE, SIG_IGN);
    const pid_t parent = getppid();

    source::Monitor monitor(cfg, [](source::LogLevel l, const std::string& m) {
      if (l != source::LogLevel::Debug) log_line(level_name(l), m);
    });
    netdata::ChartWriter writer(netdata::ChartOptions{update_every, cfg.top_peers});
    monitor.start();
    log_line("INFO", "started, update every " + std::to_string(update_every) + " s");

    std::string out;
    std::vector<std::pair<std::string, core::Snapshot>> reports;
    for (;;) {
      timespec now{};
      clock_gettime(CLOCK_REALTIME, &now);
      const long long next = (static_cast<long long>(now.tv_sec) / update_every + 1) * update_every;
      const long long wait_ns = (next - now.tv_sec) * 1000000000LL - now.tv_nsec;
      timespec timeout{static_cast<time_t>(wait_ns / 1000000000LL), static_cast<long>(wait_ns % 1000000000LL)};
      const int sig = sigtimedwait(&stop_set, nullptr, &timeout);
      if (sig > 0) {
        log_line("INFO", std::string("stopping on ") + strsignal(sig));
        break;
      }
      if (getppid() != parent) break;  // netdata is gone

      reports.clear();
      for (auto& r : monitor.read()) reports.emplace_back(std::move(r.label), std::move(r.snapshot));
      out.clear();
      writer.update(reports, monitor.health(), out);
      if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size() || std::fflush(stdout) != 0) {
        if (errno != EPIPE) log_line("ERROR", std::string("cannot write to netdata: ") + std::strerror(errno));
        break;
      }
    }
    monitor.stop();
    return 0;
  } catch (const std::exception& e) {
    log_line("ERROR", std::string("fatal: ") + e.what());
  } catch (...) {
    log_line("ERROR", "fatal: unknown exception");
  }
  return 1;
}
