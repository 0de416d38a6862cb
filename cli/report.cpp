// SPDX-License-Identifier: GPL-2.0-only
#include "cli/report.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "source/log.hpp"

namespace ctwatch::cli {
namespace {

using core::Counter;
using core::Tunable;

// The kernel default on a 64-bit machine with more than 4 GiB of RAM:
// nf_conntrack_htable_size = 262144 and nf_conntrack_max = 1 x that
// (nf_conntrack_init_start() in net/netfilter/nf_conntrack_core.c).
constexpr std::uint64_t kDefaultMax = 262144;

std::string num(std::uint64_t v) { return std::to_string(v); }

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string rate(double per_second) {
  if (per_second == 0) return "0/s";
  if (per_second < 0.1) return fmt("%.2f/s", per_second);
  if (per_second < 100) return fmt("%.1f/s", per_second);
  return fmt("%.0f/s", per_second);
}

std::string seconds(double s) { return s < 1 ? fmt("%.1f ms", s * 1e3) : fmt("%.2f s", s); }

std::optional<std::uint64_t> counter(const core::CounterTotals& t, Counter c) {
  return t[static_cast<std::size_t>(c)];
}

// Rise of a counter over --interval; nullopt without --interval or when
// either sample lacks it.
std::optional<std::uint64_t> delta(const Report& r, Counter c) {
  if (!r.first_counters) return std::nullopt;
  const auto a = counter(*r.first_counters, c);
  const auto b = counter(r.snapshot.counters, c);
  if (!a || !b || *b < *a) return std::nullopt;
  return *b - *a;
}

std::optional<double> fill_percent(const core::Snapshot& s) {
  if (!s.entries || !s.max_entries || *s.max_entries == 0) return std::nullopt;
  return 100.0 * static_cast<double>(*s.entries) / static_cast<double>(*s.max_entries);
}

std::string top_of(const std::optional<core::PeerList>& l, bool endpoint) {
  if (!l || l->top.empty()) return "";
  const auto& p = l->top.front();
  return (endpoint ? core::format_endpoint(p.key) : core::format_address(p.key)) + " (" + num(p.count) + ")";
}

constexpr std::array<Counter, core::kCounterCount> kCounterOrder{
    Counter::Drop,     Counter::EarlyDrop,     Counter::InsertFailed, Counter::Invalid,
    Counter::Error,    Counter::ChainTooLong,  Counter::Found,        Counter::Insert,
    Counter::SearchRestart, Counter::ClashResolve};

// What a counter counts, where we can say it exactly
// (net/netfilter/nf_conntrack_core.c).
std::string_view counter_meaning(Counter c) {
  switch (c) {
    case Counter::Drop: return "no entry could be made: dropped";
    case Counter::EarlyDrop: return "evicted to make room (unassured)";
    case Counter::InsertFailed: return "insert clash: packet dropped";
    case Counter::ChainTooLong: return "refused: hash chain too long";
    case Counter::ClashResolve: return "insert clashes resolved, no drop";
    case Counter::Invalid: return "packets conntrack could not track";
    default: return "";
  }
}

struct TunableRow {
  Tunable t;
  const char* name;
  const char* unit;
};
constexpr std::array<TunableRow, core::kTunableCount> kTunables{{
    {Tunable::Buckets, "nf_conntrack_buckets", ""},
    {Tunable::TcpTimeoutTimeWait, "nf_conntrack_tcp_timeout_time_wait", " s"},
    {Tunable::TcpTimeoutEstablished, "nf_conntrack_tcp_timeout_established", " s"},
    {Tunable::UdpTimeout, "nf_conntrack_udp_timeout", " s"},
    {Tunable::UdpTimeoutStream, "nf_conntrack_udp_timeout_stream", " s"},
    {Tunable::TcpTwReuse, "tcp_tw_reuse", ""},
}};

// Word-wraps `text`, which starts at column `first_col`, to `width`
// columns; continuation lines start with `indent` spaces.
std::string wrap(const std::string& text, std::size_t first_col, std::size_t indent, std::size_t width = 79) {
  std::string out;
  std::size_t col = first_col;
  bool line_empty = true;
  std::size_t i = 0;
  while (i <= text.size()) {
    std::size_t j = text.find(' ', i);
    if (j == std::string::npos) j = text.size();
    const std::string_view word(text.data() + i, j - i);
    i = j + 1;
    if (word.empty()) continue;
    if (!line_empty && col + 1 + word.size() > width) {
      out += "\n" + std::string(indent, ' ');
      col = indent;
      line_empty = true;
    }
    if (!line_empty) {
      out += ' ';
      ++col;
    }
    out += word;
    col += word.size();
    line_empty = false;
  }
  return out;
}

// Joins items with ", ", breaking lines only between items.
std::string wrap_items(const std::vector<std::string>& items, std::size_t first_col, std::size_t indent,
                       std::size_t width = 79) {
  std::string out;
  std::size_t col = first_col;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string item = items[i] + (i + 1 < items.size() ? "," : "");
    if (i > 0 && col + 1 + item.size() > width) {
      out += "\n" + std::string(indent, ' ');
      col = indent;
    } else if (i > 0) {
      out += ' ';
      ++col;
    }
    out += item;
    col += item.size();
  }
  return out;
}

std::string errno_text(int code) {
  char buf[128];
  // GNU strerror_r returns the message pointer (glibc, _GNU_SOURCE).
  return strerror_r(code, buf, sizeof buf);
}

std::string pad(std::string s, std::size_t w) {
  if (s.size() < w) s.append(w - s.size(), ' ');
  return s;
}

std::string rpad(const std::string& s, std::size_t w) {
  return s.size() < w ? std::string(w - s.size(), ' ') + s : s;
}

// ------------------------------------------------------------------ JSON --

using Json = nlohmann::ordered_json;  // keys in the documented order

template <class T>
Json opt(const std::optional<T>& v) {
  return v ? Json(*v) : Json(nullptr);
}

Json json_list(const core::PeerList& l, bool endpoint) {
  Json peers = Json::array();
  for (const auto& p : l.top) {
    Json j;
    j["address"] = core::format_address(p.key);
    j["family"] = p.key.family == AF_INET6 ? "ipv6" : "ipv4";
    if (endpoint) {
      j["port"] = p.key.port;
      j["endpoint"] = core::format_endpoint(p.key);
    }
    j["count"] = p.count;
    j["error"] = p.error;
    peers.push_back(std::move(j));
  }
  Json j;
  j["exact"] = l.exact;
  j["max_error"] = l.max_error;
  j["counted"] = l.counted;
  j["peers"] = std::move(peers);
  return j;
}

Json json_list(const std::optional<core::PeerList>& l, bool endpoint) {
  return l ? json_list(*l, endpoint) : Json(nullptr);
}

Json json_sizing(const std::optional<core::Sizing>& sz, const Report& r) {
  if (!sz) return nullptr;
  Json j;
  j["need"] = sz->need;
  j["from_peak"] = opt(sz->from_peak);
  j["from_rate"] = opt(sz->from_rate);
  j["hold_seconds"] = sz->hold_seconds;
  j["headroom"] = sz->headroom;
  j["nf_conntrack_max"] = sz->max;
  j["nf_conntrack_buckets"] = sz->buckets;
  j["entry_bytes"] = sz->entry_bytes;
  j["entry_bytes_source"] = sz->entry_bytes_assumed ? Json(nullptr) : Json(r.entry_bytes_source);
  j["entries_memory_bytes"] = sz->entries_memory;
  j["buckets_memory_bytes"] = sz->buckets_memory;
  j["current_max"] = opt(sz->current_max);
  j["current_buckets"] = opt(sz->current_buckets);
  j["max_too_small"] = sz->max_too_small;
  return j;
}

// ------------------------------------------------------------------ text --

void text_peers(std::string& out, const std::string& title, const std::optional<core::PeerList>& src,
                const std::optional<core::PeerList>& dst, std::size_t capacity) {
  auto cell = [](const std::optional<core::PeerList>& l, std::size_t i, bool endpoint) {
    if (!l || i >= l->top.size()) return std::pair<std::string, std::string>{};
    const auto& p = l->top[i];
    return std::pair{endpoint ? core::format_endpoint(p.key) : core::format_address(p.key), num(p.count)};
  };
  const std::size_t rows = std::max(src ? src->top.size() : 0, dst ? dst->top.size() : 0);
  out += title + "\n";
  if (rows == 0) {
    out += "  (none)\n";
    return;
  }
  std::size_t wa = 15, wb = 21, wc = 7;
  for (std::size_t i = 0; i < rows; ++i) {
    const auto [a, ca] = cell(src, i, false);
    const auto [b, cb] = cell(dst, i, true);
    wa = std::max(wa, a.size());
    wb = std::max(wb, b.size());
    wc = std::max({wc, ca.size(), cb.size()});
  }
  out += "  " + pad("source", wa) + "  " + rpad("entries", wc) + "    " + pad("destination", wb) + "  " +
         rpad("entries", wc) + "\n";
  for (std::size_t i = 0; i < rows; ++i) {
    const auto [a, ca] = cell(src, i, false);
    const auto [b, cb] = cell(dst, i, true);
    std::string line = "  " + pad(a, wa) + "  " + rpad(ca, wc) + "    " + pad(b, wb) + "  " + rpad(cb, wc);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  for (const auto* l : {&src, &dst}) {
    if (*l && !(*l)->exact) {
      const std::string what = l == &src ? "sources" : "destinations";
      out += "  " +
             wrap("(approximate: more than " + num(capacity) + " distinct " + what +
                      ", counted in fixed memory: a count may be up to " + num((*l)->max_error) +
                      " too high; every one with more than " + num((*l)->max_error) + " entries is counted)",
                  2, 3) +
             "\n";
    }
  }
}

}  // namespace

std::string_view severity_name(Severity s) {
  switch (s) {
    case Severity::Critical: return "critical";
    case Severity::Warning: return "warning";
    case Severity::Info: return "info";
  }
  return "info";
}

namespace {

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

std::optional<core::Sizing> sizing(const Report& r) {
  core::SizingInputs in;
  const core::Snapshot& s = r.snapshot;
  if (r.plan_rate) {
    in.insert_rate = r.plan_rate;
  } else {
    // Live sizing is from the peak only. The kernel's `insert` statistic is
    // not a new-connection rate: only entries created over ctnetlink count
    // there, the packet path's __nf_conntrack_confirm() does not (measured on
    // 6.18: 200 real TCP connections in a namespace leave it at 0). A
    // planned rate comes from --rate.
    in.peak_entries = r.peak_entries ? r.peak_entries : s.entries;
    in.current_max = s.max_entries;
    in.current_buckets = s.tunable(Tunable::Buckets);
  }
  if (r.hold_seconds) in.hold_seconds = r.hold_seconds;
  else if (const auto tw = s.tunable(Tunable::TcpTimeoutTimeWait)) in.hold_seconds = static_cast<double>(*tw);
  in.entry_bytes = r.entry_bytes;
  return core::recommend(in);
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

std::string render_sysctl(const Report& r) {
  const auto sz = sizing(r);
  return sz ? core::sysctl_snippet(*sz) : std::string();
}

namespace {

std::string text_sizing(const Report& r) {
  const auto sz = sizing(r);
  if (!sz) return "";
  std::string head = "need " + num(sz->need) + " entries";
  std::vector<std::string> why;
  if (sz->from_peak) why.push_back("peak seen " + num(*sz->from_peak));
  if (sz->from_rate)
    why.push_back("rate x " + fmt("%g", sz->hold_seconds) + " s held = " + num(*sz->from_rate));
  if (!why.empty()) {
    head += " (";
    for (std::size_t i = 0; i < why.size(); ++i) head += (i ? ", " : "") + why[i];
    head += ")";
  }
  std::string out = "\nSizing      " + wrap(head, 12, 12);
  out += "\n            " +
         wrap_items({"recommended nf_conntrack_max " + num(sz->max) +
                         (sz->current_max && sz->max == *sz->current_max && !sz->max_too_small
                              ? " (kept: need x" + fmt("%g", sz->headroom) + " fits)"
                              : " (x" + fmt("%g", sz->headroom) + " headroom)"),
                     "nf_conntrack_buckets " + num(sz->buckets)},
                    12, 12) +
         "\n";
  out += "            " +
         wrap("memory: " + core::format_bytes(sz->entries_memory) + " of entries when full (" + num(sz->entry_bytes) +
                  " B each, " + (sz->entry_bytes_assumed ? std::string("assumed: no slab size readable") : r.entry_bytes_source) +
                  ") + " + core::format_bytes(sz->buckets_memory) + " of buckets",
              12, 12) +
         "\n";
  if (sz->current_max)
    out += "            now nf_conntrack_max " + num(*sz->current_max) +
           (sz->current_buckets ? ", nf_conntrack_buckets " + num(*sz->current_buckets) : std::string()) +
           (sz->max_too_small ? ": too small" : ": enough") + "\n";
  out += "            (`ctwatch --sysctl` prints a sysctl.d snippet)\n";
  return out;
}

}  // namespace

std::string render_text(const Report& r, const std::vector<Finding>& fs) {
  const core::Snapshot& s = r.snapshot;
  std::string out;
  if (r.plan_rate) {
    out += "ctwatch: capacity plan for " + fmt("%g", *r.plan_rate) + " new connections/s (no live table)\n";
    out += text_sizing(r);
    return out;
  }
  out += r.netns.empty() ? "ctwatch: conntrack in this network namespace\n"
                         : "ctwatch: conntrack in network namespace " + r.netns +
                               (r.netns_path != r.netns ? " (" + r.netns_path + ")" : "") + "\n";
  out += "\nTable       ";
  if (s.entries) {
    out += num(*s.entries) + " entries";
    if (s.max_entries) out += " of max " + num(*s.max_entries);
    if (const auto pct = fill_percent(s)) out += ", " + fmt("%.1f", *pct) + " % full";
  } else {
    out += "entry count unknown";
  }
  if (const auto b = s.tunable(Tunable::Buckets)) out += " (" + num(*b) + " buckets)";
  out += "\n";

  if (r.census) {
    const core::Census& c = *r.census;
    std::vector<std::pair<std::uint64_t, std::string>> states, protos;
    for (std::size_t i = 0; i < core::kTcpStateCount; ++i)
      if (c.tcp_states[i]) states.emplace_back(c.tcp_states[i], std::string(core::tcp_state_name(i)));
    for (std::size_t i = 0; i < core::kL4Count; ++i)
      if (c.protocols[i]) protos.emplace_back(c.protocols[i], std::string(core::l4_name(static_cast<core::L4>(i))));
    auto list = [](std::vector<std::pair<std::uint64_t, std::string>> v) {
      std::stable_sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
      std::vector<std::string> items;
      for (const auto& [n, name] : v) items.push_back(name + " " + num(n));
      return items.empty() ? std::string("none") : wrap_items(items, 12, 12);
    };
    out += "TCP states  " + list(states) + "\n";
    out += "Protocols   " + list(protos) + "\n";
    std::vector<std::string> status;
    for (std::size_t i = 0; i < core::kL4Count; ++i)
      if (c.protocols[i])
        status.push_back(std::string(core::l4_name(static_cast<core::L4>(i))) + " " + num(c.assured[i]) + " assured/" +
                         num(c.unreplied[i]) + " unreplied");
    out += "Status      " + (status.empty() ? std::string("none") : wrap_items(status, 12, 12)) + "\n";
    out += "            (census: " + num(c.entries) + " entries walked in " + seconds(r.census_seconds) + ")\n";
  }

  const bool rates = r.first_counters.has_value();
  out += "\nCounters          total";
  out += rates ? "   rise in " + fmt("%.1f", r.interval_seconds) + " s\n" : "   (rates: --interval SECONDS)\n";
  for (const Counter c : kCounterOrder) {
    const auto v = counter(s.counters, c);
    if (!v) continue;
    std::string line = "  " + pad(std::string(core::counter_name(c)), 14) + rpad(num(*v), 8);
    if (rates) {
      const auto d = delta(r, c);
      line += d ? rpad("+" + num(*d), 9) + rpad(rate(static_cast<double>(*d) / r.interval_seconds), 10)
                : std::string(19, ' ');
    }
    const auto meaning = counter_meaning(c);
    if (!meaning.empty()) line += "   " + std::string(meaning);
    out += line + "\n";
  }

  if (r.top > 0 && r.census && r.census->top_peers) {
    const core::TopPeers& tp = *r.census->top_peers;
    out += "\n";
    text_peers(out, "Top " + num(tp.n) + " peers (entries, original direction)", tp.sources, tp.destinations,
               tp.capacity);
    if (tp.time_wait_sources)
      text_peers(out, "Top " + num(tp.n) + " in TIME_WAIT", tp.time_wait_sources, tp.time_wait_destinations,
                 tp.capacity);
    if (tp.unreplied_sources)
      text_peers(out, "Top " + num(tp.n) + " unreplied (no reply seen)", tp.unreplied_sources,
                 tp.unreplied_destinations, tp.capacity);
  }

  std::vector<std::string> tuning;
  if (s.max_entries) tuning.push_back("nf_conntrack_max " + num(*s.max_entries));
  for (const auto& t : kTunables)
    if (const auto v = s.tunable(t.t)) tuning.push_back(std::string(t.name) + " " + num(*v) + t.unit);
  out += "\nTuning      " + (tuning.empty() ? std::string("unknown") : wrap_items(tuning, 12, 12)) + "\n";

  out += text_sizing(r);

  out += "\nFindings";
  if (fs.empty()) out += "    none: the table has room and no drops are counted\n";
  else out += "\n";
  for (const auto& f : fs) {
    std::string sev(severity_name(f.severity));
    if (f.severity != Severity::Info)
      for (auto& ch : sev) ch = static_cast<char>(ch - 'a' + 'A');
    out += "  " + pad(sev, 10) + wrap(f.message, 12, 12) + "\n";
  }
  return out;
}

std::string render_json(const Report& r, const std::vector<Finding>& fs) {
  const core::Snapshot& s = r.snapshot;
  Json j;
  j["version"] = kJsonVersion;
  j["mode"] = r.plan_rate ? "plan" : "table";
  if (r.plan_rate) {
    j["rate_per_second"] = *r.plan_rate;
    j["sizing"] = json_sizing(sizing(r), r);
    return j.dump(2) + "\n";
  }
  j["namespace"] = r.netns.empty() ? Json(nullptr) : Json{{"name", r.netns}, {"path", r.netns_path}};
  Json table;
  table["entries"] = opt(s.entries);
  table["max"] = opt(s.max_entries);
  table["fill_percent"] = opt(fill_percent(s));
  table["buckets"] = opt(s.tunable(Tunable::Buckets));
  table["peak"] = opt(r.peak_entries);
  j["table"] = std::move(table);

  if (r.census) {
    const core::Census& c = *r.census;
    Json cj;
    cj["entries"] = c.entries;
    cj["seconds"] = r.census_seconds;
    Json states, protos, assured, unrep;
    for (std::size_t i = 0; i < core::kTcpStateCount; ++i) states[std::string(core::tcp_state_name(i))] = c.tcp_states[i];
    for (std::size_t i = 0; i < core::kL4Count; ++i) {
      const std::string name(core::l4_name(static_cast<core::L4>(i)));
      protos[name] = c.protocols[i];
      assured[name] = c.assured[i];
      unrep[name] = c.unreplied[i];
    }
    cj["tcp_states"] = std::move(states);
    cj["protocols"] = std::move(protos);
    cj["assured"] = std::move(assured);
    cj["unreplied"] = std::move(unrep);
    j["census"] = std::move(cj);
  } else {
    j["census"] = nullptr;
  }

  j["interval_seconds"] = r.first_counters ? Json(r.interval_seconds) : Json(nullptr);
  Json counters;
  for (const Counter c : kCounterOrder) {
    const auto d = delta(r, c);
    Json cj;
    cj["total"] = opt(counter(s.counters, c));
    cj["delta"] = opt(d);
    cj["per_second"] = d && r.interval_seconds > 0 ? Json(static_cast<double>(*d) / r.interval_seconds) : Json(nullptr);
    counters[std::string(core::counter_name(c))] = std::move(cj);
  }
  j["counters"] = std::move(counters);

  if (r.top > 0 && r.census && r.census->top_peers) {
    const core::TopPeers& tp = *r.census->top_peers;
    Json t;
    t["n"] = tp.n;
    t["capacity"] = tp.capacity;
    t["sources"] = json_list(tp.sources, false);
    t["destinations"] = json_list(tp.destinations, true);
    t["time_wait_sources"] = json_list(tp.time_wait_sources, false);
    t["time_wait_destinations"] = json_list(tp.time_wait_destinations, true);
    t["unreplied_sources"] = json_list(tp.unreplied_sources, false);
    t["unreplied_destinations"] = json_list(tp.unreplied_destinations, true);
    j["top"] = std::move(t);
  } else {
    j["top"] = nullptr;
  }

  Json tuning;
  tuning["nf_conntrack_max"] = opt(s.max_entries);
  for (const auto& t : kTunables) tuning[t.name] = opt(s.tunable(t.t));
  j["tuning"] = std::move(tuning);
  j["sizing"] = json_sizing(sizing(r), r);

  Json f = Json::array();
  for (const auto& x : fs)
    f.push_back(Json{{"id", x.id}, {"severity", std::string(severity_name(x.severity))}, {"message", x.message}});
  j["findings"] = std::move(f);
  return j.dump(2) + "\n";
}

std::string explain(const core::Error& e, Stage stage, const std::string& netns_path) {
  const int c = e.code;
  std::string msg = source::with_errno(e.message, c);
  const bool perm = c == EPERM || c == EACCES;
  if (stage == Stage::Open && perm && !netns_path.empty())
    return msg + " (entering another network namespace needs root: CAP_SYS_ADMIN)";
  if (c == EPROTONOSUPPORT)
    return "conntrack is not available: this kernel has no nfnetlink (" + msg + ")";
  if (stage == Stage::Open) return msg;
  if (perm)
    return "the kernel refused to show the conntrack table: " + errno_text(c) +
           " (reading it over ctnetlink needs CAP_NET_ADMIN: run ctwatch as root)";
  // nfnetlink answers EOPNOTSUPP or EINVAL for a subsystem that is not
  // registered (nfnetlink_rcv_msg(), net/netfilter/nfnetlink.c).
  if (c == EOPNOTSUPP || c == EINVAL || c == ENOENT)
    return "conntrack is not loaded: ctnetlink does not answer (" + msg +
           "); load it with `modprobe nf_conntrack_netlink`";
  return msg;
}

}  // namespace ctwatch::cli
