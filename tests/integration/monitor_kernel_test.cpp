// SPDX-License-Identifier: GPL-2.0-only
// The Monitor against the real kernel, in throwaway namespaces.
#include <linux/capability.h>
#include <sys/syscall.h>

#include <algorithm>
#include <cstdlib>
#include <stdexcept>
#include <thread>

#include "boost_test.hpp"
#include "core/proc.hpp"
#include "integration/netns_fixture.hpp"
#include "source/monitor.hpp"

using namespace ctwatch;
using namespace ctwatch::test;

namespace {

struct Logs {
  std::vector<std::string> lines;
  source::LogFn fn() {
    return [this](source::LogLevel, const std::string& l) { lines.push_back(l); };
  }
  int count(const std::string& needle) const {
    return static_cast<int>(std::count_if(lines.begin(), lines.end(),
                                          [&](const std::string& l) { return l.find(needle) != std::string::npos; }));
  }
};

core::Config ns_config(const Netns& ns, bool census = true) {
  core::Config cfg;
  cfg.namespaces.push_back({"it", ns.path()});
  cfg.namespace_census = census;
  cfg.census_budget = 100;  // tests want a census every read
  cfg.census_interval = 1;
  return cfg;
}

const source::NamespaceReport* find(const std::vector<source::NamespaceReport>& r, const std::string& label) {
  for (const auto& x : r)
    if (x.label == label) return &x;
  return nullptr;
}

std::uint64_t counter(const core::Snapshot& s, core::Counter c) {
  return s.counters[static_cast<std::size_t>(c)].value_or(0);
}

std::uint64_t sysctl(const std::string& name) {
  return core::parse_proc_uint(read_line("/proc/sys/net/netfilter/" + name)).value();
}

// A private NamespaceDir: the files in it are bind mounts of namespaces
// made by the test (as `ip netns add` makes them), unmounted on scope exit.
class NsDir {
 public:
  NsDir() {
    char tmpl[] = "/tmp/ctwatch-it-nsdir-XXXXXX";
    if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
  }
  ~NsDir() {
    for (const auto& f : files_) sh("umount " + dir_ + "/" + f + " 2>/dev/null; rm -f " + dir_ + "/" + f);
    sh("rmdir " + dir_);
  }
  NsDir(const NsDir&) = delete;
  NsDir& operator=(const NsDir&) = delete;
  const std::string& path() const { return dir_; }
  // DIR/name names ns from now on (replacing what it named before).
  void bind(const std::string& name, const Netns& ns) {
    if (std::find(files_.begin(), files_.end(), name) == files_.end()) files_.push_back(name);
    sh("umount " + dir_ + "/" + name + " 2>/dev/null");
    must("touch " + dir_ + "/" + name + " && mount --bind " + ns.path() + " " + dir_ + "/" + name);
  }

 private:
  std::string dir_;
  std::vector<std::string> files_;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(Kernel)

BOOST_AUTO_TEST_CASE(exact_census_entries_and_max_of_a_known_table) {
  Netns ns("census");
  ns.fill("tcp:TIME_WAIT=800 tcp:ESTABLISHED=150 tcp:SYN_RECV=3 tcp:FIN_WAIT=2 tcp:CLOSE_WAIT=4 "
          "tcp:LAST_ACK=5 tcp:CLOSE=6 tcp:SYN_SENT2=7 tcp:SYN_SENT=8 tcp:NONE=9 tcp6:ESTABLISHED=11 "
          "udp=100 udp6=10 icmp=3 icmpv6=2 sctp=4 gre=5 udplite=6 dccp=2");
  Logs logs;
  source::Monitor m(ns_config(ns), logs.fn());
  const auto reports = m.read();
  const auto* r = find(reports, "it");
  BOOST_REQUIRE(r);
  const auto& s = r->snapshot;
  BOOST_TEST((s.source == core::Source::Netlink));
  BOOST_TEST(s.entries.value() == 1137u);
  BOOST_TEST(s.max_entries.value() == sysctl("nf_conntrack_max"));
  BOOST_REQUIRE(s.census.has_value());
  const auto& c = s.census->census;
  BOOST_TEST(c.entries == 1137u);
  const std::uint64_t want_states[10] = {9, 8, 3, 150 + 11, 2, 4, 5, 800, 6, 7};
  for (std::size_t i = 0; i < 10; ++i) BOOST_TEST_CONTEXT(core::tcp_state_name(i)) { BOOST_TEST(c.tcp_states[i] == want_states[i]); }
  using core::L4;
  auto p = [&](L4 l) { return c.protocols[static_cast<std::size_t>(l)]; };
  BOOST_TEST(p(L4::Tcp) == 1005u);
  BOOST_TEST(p(L4::Udp) == 110u);
  BOOST_TEST(p(L4::Icmp) == 3u);
  BOOST_TEST(p(L4::Icmpv6) == 2u);
  BOOST_TEST(p(L4::Sctp) == 4u);
  BOOST_TEST(p(L4::Gre) == 5u);
  BOOST_TEST(p(L4::Udplite) == 6u);
  // This kernel has no DCCP tracker: such entries use the generic one but
  // still carry IPPROTO_DCCP in the tuple.
  BOOST_TEST(p(L4::Dccp) + p(L4::Other) == 2u);
  // Tuning values as seen from inside the namespace.
  BOOST_TEST(s.tunable(core::Tunable::Buckets).has_value());
  BOOST_TEST(s.tunable(core::Tunable::TcpTimeoutTimeWait).value() ==
             std::stoull(read_line("/proc/sys/net/netfilter/nf_conntrack_tcp_timeout_time_wait")));
  BOOST_TEST(s.tunable(core::Tunable::TcpTwReuse).has_value());
  // The host namespace is always sampled.
  BOOST_TEST(find(reports, "host") != nullptr);
  BOOST_TEST(logs.count("sampling namespace \"it\"") == 1);
}

BOOST_AUTO_TEST_CASE(netlink_and_proc_agree) {
  Netns ns("parity");
  ns.fill("tcp:ESTABLISHED=37 udp=5");
  source::SamplerOptions nl_opt;
  nl_opt.mode = core::SourceMode::Netlink;
  source::SamplerOptions proc_opt;
  proc_opt.mode = core::SourceMode::Proc;
  auto a = source::NamespaceSampler::open("it", ns.path(), nl_opt);
  auto b = source::NamespaceSampler::open("it", ns.path(), proc_opt);
  BOOST_REQUIRE(a.ok());
  BOOST_REQUIRE(b.ok());
  const auto ra = (*a)->sample();
  const auto rb = (*b)->sample();
  BOOST_TEST(!ra.error.has_value());
  BOOST_TEST(!rb.error.has_value(), (rb.error ? rb.error->message : ""));
  BOOST_TEST(ra.snapshot.entries.value() == 42u);
  BOOST_TEST(rb.snapshot.entries.value() == 42u);
  BOOST_TEST((ra.snapshot.max_entries == rb.snapshot.max_entries));
  for (auto c : {core::Counter::Insert, core::Counter::Drop, core::Counter::Found, core::Counter::InsertFailed})
    BOOST_TEST(counter(ra.snapshot, c) == counter(rb.snapshot, c), core::counter_name(c));
  BOOST_TEST(counter(ra.snapshot, core::Counter::Insert) >= 42u);
}

BOOST_AUTO_TEST_CASE(real_short_lived_tcp_connections_show_up_in_time_wait) {
  Netns ns("tw");
  ns.track();
  // A server that accepts and closes, and a client that connects 30 times
  // without pooling: each connection ends in TIME_WAIT in conntrack.
  must(ns.exec("python3 - <<'EOF'\n"
               "import socket, threading\n"
               "srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
               "srv.bind(('127.0.0.1', 18080)); srv.listen(64)\n"
               "def serve():\n"
               "    for _ in range(30):\n"
               "        c, _ = srv.accept(); c.recv(16); c.sendall(b'ok'); c.close()\n"
               "t = threading.Thread(target=serve); t.start()\n"
               "for _ in range(30):\n"
               "    s = socket.create_connection(('127.0.0.1', 18080)); s.sendall(b'hi'); s.recv(16); s.close()\n"
               "t.join()\n"
               "EOF"));
  source::Monitor m(ns_config(ns), [](source::LogLevel, const std::string&) {});
  const auto reports = m.read();
  const auto* r = find(reports, "it");
  BOOST_REQUIRE(r);
  BOOST_REQUIRE(r->snapshot.census.has_value());
  BOOST_TEST(r->snapshot.census->census.tcp_states[7] == 30u);  // TIME_WAIT
  BOOST_TEST(r->snapshot.census->census.protocols[0] == 30u);
}

BOOST_AUTO_TEST_CASE(census_off_for_extra_namespaces_by_default) {
  Netns ns("nocensus");
  ns.fill("udp=3");
  core::Config cfg = ns_config(ns, /*census=*/false);
  source::Monitor m(cfg, [](source::LogLevel, const std::string&) {});
  const auto reports = m.read();
  BOOST_REQUIRE(find(reports, "it"));
  BOOST_TEST(!find(reports, "it")->snapshot.census.has_value());
  BOOST_TEST(find(reports, "it")->snapshot.entries.value() == 3u);
  BOOST_REQUIRE(find(reports, "host"));
  BOOST_TEST(find(reports, "host")->snapshot.census.has_value());
}

BOOST_AUTO_TEST_CASE(deleted_namespace_is_dropped_once_and_not_pinned) {
  Netns ns("gone");
  ns.fill("udp=3");
  const std::string veth = "ctw" + std::to_string(getpid() % 100000);
  must("ip link add " + veth + " type veth peer name " + veth + "p netns " + ns.name());
  core::Config cfg;
  cfg.namespace_dir = "/var/run/netns";
  cfg.namespace_census = true;
  cfg.census_budget = 100;
  Logs logs;
  source::Monitor m(cfg, logs.fn());
  auto labels = [&] { return m.labels(); };
  (void)m.read();
  auto l = labels();
  BOOST_REQUIRE(std::find(l.begin(), l.end(), ns.name()) != l.end());
  ns.remove();
  (void)m.read();
  l = labels();
  BOOST_TEST((std::find(l.begin(), l.end(), ns.name()) == l.end()));
  for (int i = 0; i < 5; ++i) (void)m.read();
  // NamespaceDir: "sampling N more (..., "<name>", ...)" and "M gone (..."<name>"...)"
  // (the lists name at most 5, so other namespaces in /var/run/netns may
  // hide it: at most 2, and the gone line is ours alone).
  BOOST_TEST(logs.count("\"" + ns.name() + "\"") <= 2);
  BOOST_TEST(logs.count("1 gone (\"" + ns.name() + "\")") == 1);
  // Our sockets were the only thing keeping the namespace alive: once they
  // are closed, the kernel destroys it and the root-side veth goes with it.
  bool veth_gone = false;
  for (int i = 0; i < 50 && !veth_gone; ++i) {
    veth_gone = sh("ip link show " + veth + " >/dev/null 2>&1") != 0;
    if (!veth_gone) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (!veth_gone) sh("ip link del " + veth + " 2>/dev/null");
  BOOST_TEST(veth_gone);
}

// NamespaceDir is rescanned every read: a namespace that appears in it after
// the first read is sampled from the next read on.
BOOST_AUTO_TEST_CASE(namespace_dir_picks_up_a_namespace_created_later) {
  Netns ns("late");
  ns.fill("udp=4");
  NsDir dir;
  core::Config cfg;
  cfg.namespace_dir = dir.path();
  cfg.census = false;
  Logs logs;
  source::Monitor m(cfg, logs.fn());
  BOOST_TEST(!find(m.read(), "late"));
  dir.bind("late", ns);
  const auto r = m.read();
  BOOST_REQUIRE(find(r, "late"));
  BOOST_TEST(find(r, "late")->snapshot.entries.value() == 4u);
  // One summary line for the directory's change, naming it.
  BOOST_TEST(logs.count("sampling 1 more (\"late\"); now 1 sampled") == 1);
}

// The same path made to name another namespace (ip netns del + add): the
// device/inode check closes the old sampler and opens one on the new
// namespace, with one line, so the values are the new namespace's.
BOOST_AUTO_TEST_CASE(namespace_recreated_under_the_same_path_is_reopened) {
  Netns a("re-a");
  a.fill("udp=2");
  Netns b("re-b");
  b.fill("udp=5");
  NsDir dir;
  dir.bind("re", a);
  core::Config cfg;
  cfg.namespace_dir = dir.path();
  cfg.census = false;
  Logs logs;
  source::Monitor m(cfg, logs.fn());
  auto r = m.read();
  BOOST_REQUIRE(find(r, "re"));
  BOOST_TEST(find(r, "re")->snapshot.entries.value() == 2u);
  dir.bind("re", b);
  r = m.read();
  BOOST_REQUIRE(find(r, "re"));
  BOOST_TEST(find(r, "re")->snapshot.entries.value() == 5u);
  for (int i = 0; i < 3; ++i) BOOST_TEST(find(m.read(), "re")->snapshot.entries.value() == 5u);
  BOOST_TEST(logs.count("is gone or was replaced") == 1);
  // Announced once when it appeared; the reopen is the line above.
  BOOST_TEST(logs.count("sampling 1 more (\"re\")") == 1);
  BOOST_TEST(logs.count("\"re\"") == 2);
}

BOOST_AUTO_TEST_CASE(configured_namespace_missing_is_one_warning) {
  core::Config cfg;
  cfg.namespaces.push_back({"ghost", "/var/run/netns/ctwatch-it-does-not-exist"});
  Logs logs;
  source::Monitor m(cfg, logs.fn());
  for (int i = 0; i < 20; ++i) {
    const auto r = m.read();
    BOOST_TEST(!find(r, "ghost"));
    BOOST_TEST(find(r, "host"));  // nothing else breaks
    // ... and the metrics say what is not seen.
    BOOST_TEST(m.health().namespaces_sampled == 1u);
    BOOST_TEST(m.health().namespaces_unsampled == 1u);
  }
  BOOST_TEST(logs.count("ghost") == 1);
  BOOST_TEST(logs.count("No such file or directory") == 1);
}

// A budget too small for the table: the due censuses are postponed, and the
// plugin's counter and the census age say so.
BOOST_AUTO_TEST_CASE(censuses_deferred_by_the_budget_are_counted) {
  Netns ns("budget");
  ns.fill("tcp:TIME_WAIT=3000");
  core::Config cfg = ns_config(ns);
  cfg.census_budget = 0.01;  // 0.1 ms of CPU per second: a 3000-entry census costs ~3 ms
  cfg.stats_interval = 0;
  Logs logs;
  source::Monitor m(cfg, logs.fn());
  // The host is censused too, under the same budget: whichever of the two
  // goes first in the first read takes the whole burst, and from then on
  // every due census waits (~30 s of budget for one census of the 3000).
  int censuses = 0;
  double age = 0;
  for (int i = 0; i < 4; ++i) {
    if (i) std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    const auto r = m.read();
    BOOST_REQUIRE(find(r, "it"));
    const auto& s = find(r, "it")->snapshot;
    censuses += s.census.has_value();
    BOOST_REQUIRE(s.census_age.has_value());
    age = *s.census_age;
  }
  BOOST_TEST(censuses <= 1);
  BOOST_TEST(m.health().censuses_deferred >= 3u);
  BOOST_TEST(age > 3.0);  // +Inf when it never ran
  BOOST_TEST(logs.count("spaced out to fit CensusBudget") >= 1);
}

BOOST_AUTO_TEST_CASE(not_a_network_namespace_is_named) {
  core::Config cfg;
  cfg.namespaces.push_back({"bogus", "/proc/self/ns/uts"});
  Logs logs;
  source::Monitor m(cfg, logs.fn());
  (void)m.read();
  BOOST_TEST(logs.count("not a network namespace") == 1);
}

// Without CAP_NET_ADMIN ctnetlink answers EPERM: the plugin must fall back
// to /proc, say so exactly once, and keep reporting count and max.
BOOST_AUTO_TEST_CASE(without_cap_net_admin_falls_back_to_proc_with_one_log_line) {
  const pid_t pid = fork();
  BOOST_REQUIRE(pid >= 0);
  if (pid == 0) {
    __user_cap_header_struct h{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct d[2]{};
    if (syscall(SYS_capget, &h, d) != 0) _exit(10);
    d[CAP_NET_ADMIN / 32].effective &= ~(1u << (CAP_NET_ADMIN % 32));
    if (syscall(SYS_capset, &h, d) != 0) _exit(11);
    Logs logs;
    core::Config cfg;
    source::Monitor m(cfg, logs.fn());
    for (int i = 0; i < 5; ++i) {
      const auto r = m.read();
      const auto* host = find(r, "host");
      if (!host) _exit(12);
      if (host->snapshot.source != core::Source::Proc) _exit(13);
      if (!host->snapshot.entries || !host->snapshot.max_entries) _exit(14);
      if (host->snapshot.census) _exit(15);
      if (!host->snapshot.counters[static_cast<std::size_t>(core::Counter::Drop)]) _exit(16);
    }
    if (logs.count("falling back to /proc") != 1) _exit(17);
    if (logs.count("Operation not permitted") != 1) _exit(18);
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  BOOST_TEST(WIFEXITED(status));
  BOOST_TEST(WEXITSTATUS(status) == 0);
}

BOOST_AUTO_TEST_SUITE_END()  // Kernel
