// SPDX-License-Identifier: GPL-2.0-only
#include "cli/findings.hpp"

#include <algorithm>

#include "cli/format.hpp"
#include "core/drop_causes.hpp"

namespace ctwatch::cli {

using core::Counter;
using core::Tunable;

namespace {

namespace alert = core::alert;

// Ratios as the findings write them: 0.8 -> "80".
std::string percent(double ratio) { return fmt("%g", ratio * 100); }

// The fill gate, in percent: census findings are warnings from here on.
bool at_gate(const std::optional<double>& fill_pct) { return fill_pct && *fill_pct >= core::kFastFillRatio * 100; }

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
      return Judged{d.severity, std::string(core::drop_cause_text(kCause).sentence) + " " + d.detail +
                                                " Check with `conntrack -S`."};
  return std::nullopt;
}

std::optional<Judged> table_full(const Ctx& c) {
  const core::Snapshot& s = c.r.snapshot;
  const auto pct = fill_percent(s);
  if (!pct || *pct < core::kPageFillRatio * 100) return std::nullopt;
  return Judged{alert::kTableNearlyFull.severity,
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
  if (n == 0 || static_cast<double>(n) < core::kUnrepliedShareRatio * static_cast<double>(cs.entries))
    return std::nullopt;
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
  return Judged{at_gate(fill_percent(c.r.snapshot)) ? Severity::Warning : Severity::Info,
                fmt("%.0f", share) + " % of the entries (" + num(n) + " of " + num(cs.entries) +
                    ") are unreplied: no packet came back (" + by + ")." + who +
                    " A SYN flood, a scan, or traffic to a dead backend or an unanswered UDP service? Unreplied "
                    "entries are not assured, so early drop can evict them when the table is full."};
}

std::optional<Judged> time_wait(const Ctx& c) {
  if (!c.r.census || c.r.census->entries == 0) return std::nullopt;
  const auto& cs = *c.r.census;
  const std::uint64_t tw = cs.tcp_states[core::kTcpTimeWait];
  if (tw == 0 || static_cast<double>(tw) < core::kTimeWaitShareRatio * static_cast<double>(cs.entries))
    return std::nullopt;
  const double share = 100.0 * static_cast<double>(tw) / static_cast<double>(cs.entries);
  std::string who;
  if (cs.top_peers) {
    const std::string src = top_of(cs.top_peers->time_wait_sources, false);
    const std::string dst = top_of(cs.top_peers->time_wait_destinations, true);
    if (!src.empty()) who = " Top TIME_WAIT source: " + src + "; top destination: " + dst + ".";
  }
  const auto tw_timeout = c.r.snapshot.tunable(Tunable::TcpTimeoutTimeWait);
  return Judged{at_gate(fill_percent(c.r.snapshot)) ? alert::kTimeWaitDominant.severity : Severity::Info,
                fmt("%.0f", share) + " % of the entries (" + num(tw) + " of " + num(cs.entries) +
                    ") are TCP TIME_WAIT: connections closed in the last " +
                    (tw_timeout ? num(*tw_timeout) + " s" : std::string("nf_conntrack_tcp_timeout_time_wait")) + "." +
                    who +
                    " A client without connection pooling? Consider pooling, or lowering "
                    "net.netfilter.nf_conntrack_tcp_timeout_time_wait."};
}

std::optional<Judged> max_too_small(const Ctx& c) {
  if (!c.size || !c.size->max_too_small || c.r.plan_rate) return std::nullopt;
  return Judged{alert::kMaxBelowRecommended.severity,
                std::string(core::kMaxTooSmallSentence) + " Need " + num(c.size->need) + " entries, x" +
                    fmt("%g", c.size->headroom) + " = " + num(c.size->max) + " recommended; nf_conntrack_max is " +
                    num(*c.size->current_max) + ". `ctwatch --sysctl` prints the settings."};
}

std::optional<Judged> default_max(const Ctx& c) {
  const auto& m = c.r.snapshot.max_entries;
  if (!m || *m != core::kKernelDefaultMax) return std::nullopt;
  return Judged{
      alert::kMaxNotTuned.severity,
      "nf_conntrack_max is " + num(core::kKernelDefaultMax) +
          ", the kernel's default for a 64-bit machine with more than 4 GiB of RAM: "
          "is it sized for this host's peak? Set net.netfilter.nf_conntrack_max from the expected connection "
          "rate and the timeouts that keep entries (see Sizing; `ctwatch --rate N/s` plans without a table)."};
}

std::optional<Judged> tcp_tw_reuse(const Ctx& c) {
  const auto reuse = c.r.snapshot.tunable(Tunable::TcpTwReuse);
  if (!reuse || *reuse != 1) return std::nullopt;
  return Judged{alert::kTcpTwReuseEnabled.severity,
                "net.ipv4.tcp_tw_reuse is 1: new outgoing connections may reuse the port of a socket still in "
                "TIME_WAIT. That does not shrink the conntrack table (conntrack keeps its own TIME_WAIT entry); a SYN "
                "on that entry makes conntrack kill and re-create it, and a stateful firewall on the path that still "
                "holds the old connection may drop the new SYN. The default is 2 (loopback only)."};
}

struct Rule {
  std::string_view id;
  std::string condition;
  std::optional<Judged> (*judge)(const Ctx&);
};

std::string_view alert_of(std::string_view finding) {
  for (const auto& fa : core::kFindingAlerts)
    if (fa.finding == finding) return fa.alert.name;
  return {};
}

// "(critical, as ConntrackTableNearlyFull)"
std::string as_alert(std::string_view finding) {
  for (const auto& fa : core::kFindingAlerts)
    if (fa.finding == finding)
      return "(" + std::string(severity_name(fa.alert.severity)) + ", as " + std::string(fa.alert.name) + ")";
  return "";
}

std::string_view cause_id(core::DropCause c) { return core::drop_cause_text(c).id; }

// The findings table: one row per finding, in the order ties are listed.
const std::vector<Rule>& rules() {
  using core::DropCause;
  static const std::vector<Rule> kRules = [] {
    const std::string gate = percent(core::kFastFillRatio) + " % full";
    return std::vector<Rule>{
        {"table_full",
         "entries >= " + percent(core::kPageFillRatio) + " % of nf_conntrack_max " + as_alert("table_full"),
         table_full},
        {cause_id(DropCause::TableFull),
         "--interval: drop rose beyond the unresolved clashes (critical, as ConntrackPacketsDropped), or early_drop "
         "rose (warning, as ConntrackEarlyDrops)",
         drop_cause<DropCause::TableFull>},
        {cause_id(DropCause::InsertClash),
         "--interval: insert_failed rose beyond chaintoolong " + as_alert(cause_id(DropCause::InsertClash)) +
             "; info on kernels without clash_resolve",
         drop_cause<DropCause::InsertClash>},
        {cause_id(DropCause::ChainTooLong),
         "--interval: chaintoolong rose (kernel >= 5.15) " + as_alert(cause_id(DropCause::ChainTooLong)),
         drop_cause<DropCause::ChainTooLong>},
        {cause_id(DropCause::Invalid), "--interval: invalid rose (info)", drop_cause<DropCause::Invalid>},
        {"drops_in_the_past", "no --interval, drop or insert_failed > 0 (info)", drops_in_the_past},
        {"unreplied",
         "unreplied entries >= " + percent(core::kUnrepliedShareRatio) +
             " % of the census (info; warning when >= " + gate + ")",
         unreplied},
        {"time_wait",
         "TCP TIME_WAIT >= " + percent(core::kTimeWaitShareRatio) + " % of the census (info; " +
             std::string(severity_name(alert::kTimeWaitDominant.severity)) + " when >= " + gate + ", as " +
             std::string(alert::kTimeWaitDominant.name) + ")",
         time_wait},
        {"max_too_small", "observed peak x 2 > nf_conntrack_max " + as_alert("max_too_small"), max_too_small},
        {"default_max",
         "nf_conntrack_max = " + num(core::kKernelDefaultMax) + ", the kernel default " + as_alert("default_max"),
         default_max},
        {"tcp_tw_reuse", "net.ipv4.tcp_tw_reuse = 1 " + as_alert("tcp_tw_reuse"), tcp_tw_reuse},
    };
  }();
  return kRules;
}

}  // namespace

const std::vector<FindingRule>& finding_rules() {
  static const std::vector<FindingRule> kInfo = [] {
    std::vector<FindingRule> v;
    for (const auto& r : rules()) v.push_back({r.id, r.condition, alert_of(r.id)});
    return v;
  }();
  return kInfo;
}
std::vector<Finding> findings(const Report& r) {
  const Ctx c{r, core::classify_drops(drop_inputs(r)), sizing(r)};
  std::vector<Finding> out;
  for (const auto& rule : rules())
    if (auto j = rule.judge(c)) out.push_back({std::string(rule.id), j->severity, std::move(j->message)});
  std::stable_sort(out.begin(), out.end(), [](const Finding& a, const Finding& b) { return a.severity < b.severity; });
  return out;
}

}  // namespace ctwatch::cli
