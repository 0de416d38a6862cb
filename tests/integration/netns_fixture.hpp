// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// Kernel test plumbing: throwaway network namespaces made with `ip netns`,
// filled with ctwatch-fill, deleted on scope exit. Tests never touch the
// table of a namespace they did not create.
//
// Skips (exit 77, ctest SKIP_RETURN_CODE) when not root or when the tools
// are missing, unless CTWATCH_REQUIRE_KERNEL=1, where that is a failure.

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>

namespace ctwatch::test {

inline int sh(const std::string& cmd) {
  const int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : 128;
}

// The ctwatch-fill tool: $CTWATCH_FILL when set (the kernel VMs of
// tests/kernels/ put it elsewhere than the build directory), else the one
// this build made.
inline std::string fill_tool() {
  const char* env = std::getenv("CTWATCH_FILL");
  return env != nullptr && *env != '\0' ? env : CTWATCH_FILL;
}

inline void must(const std::string& cmd) {
  if (sh(cmd) != 0) throw std::runtime_error("command failed: " + cmd);
}

inline std::string read_line(const std::string& path) {
  std::ifstream f(path);
  std::string s;
  std::getline(f, s);
  return s;
}

// Called first thing in main()-level fixture: skip or fail.
inline void require_kernel_or_skip() {
  const char* req = std::getenv("CTWATCH_REQUIRE_KERNEL");
  const bool required = req && std::string(req) == "1";
  std::string why;
  if (geteuid() != 0) why = "not root";
  else if (sh("command -v ip >/dev/null && command -v nft >/dev/null") != 0) why = "ip or nft missing (apt install iproute2 nftables)";
  else if (access("/proc/sys/net/netfilter/nf_conntrack_max", R_OK) != 0) why = "nf_conntrack is not loaded";
  if (why.empty()) return;
  if (required) {
    std::fprintf(stderr, "FAIL: kernel test cannot run (%s) but CTWATCH_REQUIRE_KERNEL=1\n", why.c_str());
    std::exit(1);
  }
  std::fprintf(stderr, "SKIP: kernel test needs root and nf_conntrack (%s)\n", why.c_str());
  std::exit(77);
}

class Netns {
 public:
  explicit Netns(const std::string& tag) : name_("ctwatch-it-" + tag + "-" + std::to_string(getpid())) {
    sh("ip netns del " + name_ + " 2>/dev/null");
    must("ip netns add " + name_);
    must(exec("ip link set lo up"));
  }
  ~Netns() { remove(); }
  Netns(const Netns&) = delete;
  Netns& operator=(const Netns&) = delete;

  const std::string& name() const { return name_; }
  std::string path() const { return "/var/run/netns/" + name_; }
  std::string exec(const std::string& cmd) const { return "ip netns exec " + name_ + " " + cmd; }
  void fill(const std::string& specs) const {
    must(exec(fill_tool() + " --quiet " + specs));
  }
  // Makes the namespace track real traffic: a rule that uses conntrack.
  void track() const {
    must(exec("nft -f - <<'EOF'\n"
              "table inet ctwatch_test {\n"
              "  chain out { type filter hook output priority 0; ct state new counter; }\n"
              "  chain in { type filter hook input priority 0; ct state new counter; }\n"
              "}\nEOF"));
  }
  void remove() {
    if (!removed_) sh("ip netns del " + name_ + " 2>/dev/null");
    removed_ = true;
  }

 private:
  std::string name_;
  bool removed_ = false;
};

// Sets a global sysctl and restores it on scope exit. Tests using it hold
// the ctest RESOURCE_LOCK nf_conntrack_max.
// Writes a global sysctl and puts the old value back on scope exit. The old
// value goes first into the journal tests/stack/lib.sh keeps
// (CTWATCH_SYSCTL_JOURNAL, "PATH VALUE" lines) and leaves it once restored,
// so that a test killed on the spot (ctest's timeout sends SIGKILL) is
// undone by the next holder of the machine-wide lock (tests/stack/global_lock.sh).
class SysctlGuard {
 public:
  SysctlGuard(std::string path, const std::string& value) : path_(std::move(path)), old_(read_line(path_)) {
    journal(true);
    write(value);
  }
  ~SysctlGuard() {
    write(old_);
    journal(false);
  }
  SysctlGuard(const SysctlGuard&) = delete;
  SysctlGuard& operator=(const SysctlGuard&) = delete;

 private:
  void write(const std::string& v) {
    std::ofstream f(path_);
    f << v << "\n";
  }
  // add: records "path old" unless path is there already (its first value is
  // the one to restore); !add: drops path's line, and the file once empty.
  void journal(bool add) const {
    const char* env = std::getenv("CTWATCH_SYSCTL_JOURNAL");
    const std::string file = env != nullptr && *env != '\0' ? env : "/run/ctwatch-sysctl.journal";
    std::string kept, line;
    bool present = false;
    {
      std::ifstream in(file);
      while (std::getline(in, line)) {
        if (line.rfind(path_ + " ", 0) == 0) {
          present = true;
          if (!add) continue;
        }
        kept += line + "\n";
      }
    }
    if (add && !present) kept += path_ + " " + old_ + "\n";
    if (kept.empty()) {
      std::remove(file.c_str());
    } else {
      std::ofstream(file, std::ios::trunc) << kept;
    }
  }
  std::string path_;
  std::string old_;
};

}  // namespace ctwatch::test
