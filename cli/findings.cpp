// SPDX-License-Identifier: GPL-2.0-only
#include "cli/findings.hpp"

#include <algorithm>

#include "cli/format.hpp"
#include "core/drop_causes.hpp"

namespace ctwatch::cli {

using core::Counter;
using core::Tunable;

std::string_view severity_name(Severity s) {
  switch (s) {
    case Severity::Critical: return "critical";
    case Severity::Warning: return "warning";
    case Severity::Info: return "info";
  }
  return "info";
}

namespace {

// The kernel default on a 64-bit machine with more than 4 GiB of RAM:
// nf_conntrack_htable_size = 262144 and nf_conntrack_max = 1 x that
// (nf_conntrack_init_start() in net/netfilter/nf_conntrack_core.c).
constexpr std::uint64_t kDefaultMax = 262144;

// What the rules judge from: the report, its drop causes and its sizing.
struct Ctx {
  const Report& r;
  std::vector<core::DropFinding> drops;
  std::optional<core::Sizing> size;
};

struct Judged {
  Severity severity;
  std::string message;
};

Severity from_cause(core::CauseSeverity s) {
  switch (s) {
    case core::CauseSeverity::Critical: return Severity::Critical;
    case core::CauseSeverity::Warning: return Severity::Warning;
    case core::CauseSeverity::Info: return Severity::Info;
  }
  return Severity::Info;
}

core::DropInputs drop_inputs(const Report& r) {
  core::DropInputs in;
  in.drop = delta(r, Counter::Drop);
  in.early_drop = delta(r, Counter::EarlyDrop);
  in.insert_failed = delta(r, Counter::InsertFailed);
  in.clash_resolve = delta(r, Counter::ClashResolve);
  in.chaintoolong = delta(r, Counter::ChainTooLong);
  in.invalid = delta(r, Counter::Invalid);
  in.fill_percent = fill_percent(r.snapshot);
  in.seconds = r.interval_seconds;
  return in;
}

// A drop cause as a finding: the one sentence, then the numbers.
template <core::DropCause kCause>
std::optional<Judged> drop_cause(const Ctx& c) {
  for (const auto& d : c.drops)
    if (d.cause == kCause)
      return Judged{from_cause(d.severity), std::string(core::drop_cause_text(kCause).sentence) + " " + d.detail +
                                                " Check with `conntrack -S`."};
  return std::nullopt;
}

std::optional<Judged> table_full(const Ctx& c) {
  const core::Snapshot& s = c.r.snapshot;
  const auto pct = fill_percent(s);
  if (!pct || *pct < 80) return std::nullopt;
  return Judged{*pct >= 95 ? Severity::Critical : Severity::Warning,
                "The table is " + fmt("%.1f", *pct) + " % full (" + num(*s.entries) + " of " + num(*s.max_entries) +
                    " entries). When it is full, a packet that needs a new entry is dropped: new connections fail "
                    "silently (kernel log: \"nf_conntrack: table full, dropping packet\")."};
}

std::optional<Judged> drops_in_the_past(const Ctx& c) {
  if (c.r.first_counters) return std::nullopt;
  const auto& t = c.r.snapshot.counters;
  const auto drop = counter(t, Counter::Drop).value_or(0);
  const auto failed = counter(t, Counter::InsertFailed).value_or(0);
  if (drop == 0 && failed == 0) return std::nullopt;
  return Judged{Severity::Info, "drop is " + num(drop) + " and insert_failed is " + num(failed) +
                                    " since conntrack started in this namespace. Are they still rising, and why? Run "
                                    "`ctwatch --interval 10`: it names the cause (table full, insert clashes, hash "
                                    "chains too long)."};
}

std::optional<Judged> unreplied(const Ctx& c) {
  if (!c.r.census || c.r.census->entries == 0) return std::nullopt;
  const core::Census& cs = *c.r.census;
  std::uint64_t n = 0;
  std::vector<std::pair<std::uint64_t, std::string>> per;
  for (std::size_t i = 0; i < core::kL4Count; ++i) {
    n += cs.unreplied[i];
    if (cs.unreplied[i]) per.emplace_back(cs.unreplied[i], std::string(core::l4_name(static_cast<core::L4>(i))));
  }
  if (n == 0 || 4 * n < cs.entries) return std::nullopt;  // under 25 %
  std::stable_sort(per.begin(), per.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::string by;
  for (const auto& [k, name] : per) by += (by.empty() ? "" : ", ") + name + " " + num(k);
  std::string who;
  if (cs.top_peers) {
    const std::string src = top_of(cs.top_peers->unreplied_sources, false);
    const std::string dst = top_of(cs.top_peers->unreplied_destinations, true);
    if (!src.empty()) who = " Top unreplied source: " + src + "; top destination: " + dst + ".";
  }
  const double share = 100.0 * static_cast<double>(n) / static_cast<double>(cs.entries);
  const auto pct = fill_percent(c.r.snapshot);
  return Judged{pct && *pct >= 50 ? Severity::Warning : Severity::Info,
                fmt("%.0f", share) + " % of the entries (" + num(n) + " of " + num(cs.entries) +
                    ") are unreplied: no packet came back (" + by + ")." + who +
                    " A SYN flood, a scan, or traffic to a dead backend or an unanswered UDP service? Unreplied "
                    "entries are not assured, so early drop can evict them when the table is full."};
}

std::optional<Judged> time_wait(const Ctx& c) {
  if (!c.r.census || c.r.census->entries == 0) return std::nullopt;
  const auto& cs = *c.r.census;
  const std::uint64_t tw = cs.tcp_states[core::kTcpTimeWait];
  if (tw == 0 || 2 * tw < cs.entries) return std::nullopt;
  const double share = 100.0 * static_cast<double>(tw) / static_cast<double>(cs.entries);
  std::string who;
  if (cs.top_peers) {
    const std::string src = top_of(cs.top_peers->time_wait_sources, false);
    const std::string dst = top_of(cs.top_peers->time_wait_destinations, true);
    if (!src.empty()) who = " Top TIME_WAIT source: " + src + "; top destination: " + dst + ".";
  }
  const auto tw_timeout = c.r.snapshot.tunable(Tunable::TcpTimeoutTimeWait);
  const auto pct = fill_percent(c.r.snapshot);
  return Judged{pct && *pct >= 50 ? Severity::Warning : Severity::Info,
                fmt("%.0f", share) + " % of the entries (" + num(tw) + " of " + num(cs.entries) +
                    ") are TCP TIME_WAIT: connections closed in the last " +
                    (tw_timeout ? num(*tw_timeout) + " s" : std::string("nf_conntrack_tcp_timeout_time_wait")) + "." +
                    who +
                    " A client without connection pooling? Consider pooling, or lowering "
                    "net.netfilter.nf_conntrack_tcp_timeout_time_wait."};
}

std::optional<Judged> max_too_small(const Ctx& c) {
  if (!c.size || !c.size->max_too_small || c.r.plan_rate) return std::nullopt;
  return Judged{Severity::Info, std::string(core::kMaxTooSmallSentence) + " Need " + num(c.size->need) +
                                    " entries, x" + fmt("%g", c.size->headroom) + " = " + num(c.size->max) +
                                    " recommended; nf_conntrack_max is " + num(*c.size->current_max) +
                                    ". `ctwatch --sysctl` prints the settings."};
}

std::optional<Judged> default_max(const Ctx& c) {
  const auto& m = c.r.snapshot.max_entries;
  if (!m || *m != kDefaultMax) return std::nullopt;
  return Judged{Severity::Info,
                "nf_conntrack_max is 262144, the kernel's default for a 64-bit machine with more than 4 GiB of RAM: "
                "is it sized for this host's peak? Set net.netfilter.nf_conntrack_max from the expected connection "
                "rate and the timeouts that keep entries (see Sizing; `ctwatch --rate N/s` plans without a table)."};
}

std::optional<Judged> tcp_tw_reuse(const Ctx& c) {
  const auto reuse = c.r.snapshot.tunable(Tunable::TcpTwReuse);
  if (!reuse || *reuse != 1) return std::nullopt;
  return Judged{Severity::Warning,
                "net.ipv4.tcp_tw_reuse is 1: new outgoing connections may reuse the port of a socket still in "
                "TIME_WAIT. That does not shrink the conntrack table (conntrack keeps its own TIME_WAIT entry); a SYN "
                "on that entry makes conntrack kill and re-create it, and a stateful firewall on the path that still "
                "holds the old connection may drop the new SYN. The default is 2 (loopback only)."};
}

struct Rule {
  FindingRule info;
  std::optional<Judged> (*judge)(const Ctx&);
};

// The findings table: one row per finding, in the order ties are listed.
const std::vector<Rule>& rules() {
  static const std::vector<Rule> kRules{
      {{"table_full", "entries >= 80 % of nf_conntrack_max (critical >= 95 %)"}, table_full},
      {{std::string_view(core::drop_cause_text(core::DropCause::TableFull).id),
        "--interval: drop rose beyond the unresolved clashes (critical), or early_drop rose (warning)"},
       drop_cause<core::DropCause::TableFull>},
      {{std::string_view(core::drop_cause_text(core::DropCause::InsertClash).id),
        "--interval: insert_failed rose beyond chaintoolong (warning; info on kernels without clash_resolve)"},
       drop_cause<core::DropCause::InsertClash>},
      {{std::string_view(core::drop_cause_text(core::DropCause::ChainTooLong).id),
        "--interval: chaintoolong rose (kernel >= 5.15)"},
       drop_cause<core::DropCause::ChainTooLong>},
      {{std::string_view(core::drop_cause_text(core::DropCause::Invalid).id), "--interval: invalid rose (info)"},
       drop_cause<core::DropCause::Invalid>},
      {{"drops_in_the_past", "no --interval, drop or insert_failed > 0 (info)"}, drops_in_the_past},
      {{"unreplied", "unreplied entries >= 25 % of the census (warning when >= 50 % full)"}, unreplied},
      {{"time_wait", "TCP TIME_WAIT >= 50 % of the census (warning when >= 50 % full)"}, time_wait},
      {{"max_too_small", "observed peak x 2 > nf_conntrack_max (info)"},
       max_too_small},
      {{"default_max", "nf_conntrack_max = 262144, the kernel default (info)"}, default_max},
      {{"tcp_tw_reuse", "net.ipv4.tcp_tw_reuse = 1 (warning)"}, tcp_tw_reuse},
  };
  return kRules;
}

}  // namespace

const std::vector<FindingRule>& finding_rules() {
  static const std::vector<FindingRule> kInfo = [] {
    std::vector<FindingRule> v;
    for (const auto& r : rules()) v.push_back(r.info);
    return v;
  }();
  return kInfo;
}

std::vector<Finding> findings(const Report& r) {
  const Ctx c{r, core::classify_drops(drop_inputs(r)), sizing(r)};
  std::vector<Finding> out;
  for (const auto& rule : rules())
    if (auto j = rule.judge(c)) out.push_back({std::string(rule.info.id), j->severity, std::move(j->message)});
  std::stable_sort(out.begin(), out.end(),
                   [](const Finding& a, const Finding& b) { return a.severity < b.severity; });
  return out;
}

}  // namespace ctwatch::cli
