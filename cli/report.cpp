// SPDX-License-Identifier: GPL-2.0-only
#include "cli/report.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>

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

class Json {
 public:
  Json& key(std::string_view k) {
    sep();
    quote(k);
    out_ += ": ";
    after_key_ = true;
    return *this;
  }
  Json& open(char c) {
    sep();
    out_ += c;
    first_.push_back(true);
    return *this;
  }
  Json& close(char c) {
    const bool empty = first_.back();
    first_.pop_back();
    if (!empty) newline();
    out_ += c;
    return *this;
  }
  Json& str(std::string_view s) { return raw([&] { quote(s); }); }
  Json& uint(std::uint64_t v) { return raw([&] { out_ += std::to_string(v); }); }
  Json& real(double v) { return raw([&] { out_ += fmt("%.6g", v); }); }
  Json& boolean(bool b) { return raw([&] { out_ += b ? "true" : "false"; }); }
  Json& null() { return raw([&] { out_ += "null"; }); }
  Json& opt(const std::optional<std::uint64_t>& v) { return v ? uint(*v) : null(); }
  std::string done() { return out_ + "\n"; }

 private:
  template <class F>
  Json& raw(F f) {
    sep();
    f();
    return *this;
  }
  void newline() {
    out_ += '\n';
    out_.append(2 * first_.size(), ' ');
  }
  // Before a value or key: a comma and a new line inside containers, except
  // right after a key.
  void sep() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (first_.empty()) return;
    if (!first_.back()) out_ += ',';
    first_.back() = false;
    newline();
  }
  void quote(std::string_view s) {
    out_ += '"';
    for (const char c : s) {
      switch (c) {
        case '"': out_ += "\\\""; break;
        case '\\': out_ += "\\\\"; break;
        case '\n': out_ += "\\n"; break;
        case '\t': out_ += "\\t"; break;
        default:
          if (static_cast<unsigned char>(c) < 0x20) out_ += uescape(c);
          else out_ += c;
      }
    }
    out_ += '"';
  }
  static std::string uescape(char c) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
    return buf;
  }
  std::string out_;
  std::vector<bool> first_;
  bool after_key_ = false;
};

void json_list(Json& j, const core::PeerList& l, bool endpoint) {
  j.open('{');
  j.key("exact").boolean(l.exact);
  j.key("max_error").uint(l.max_error);
  j.key("counted").uint(l.counted);
  j.key("peers").open('[');
  for (const auto& p : l.top) {
    j.open('{');
    j.key("address").str(core::format_address(p.key));
    j.key("family").str(p.key.family == AF_INET6 ? "ipv6" : "ipv4");
    if (endpoint) {
      j.key("port").uint(p.key.port);
      j.key("endpoint").str(core::format_endpoint(p.key));
    }
    j.key("count").uint(p.count);
    j.key("error").uint(p.error);
    j.close('}');
  }
  j.close(']');
  j.close('}');
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

std::vector<Finding> findings(const Report& r) {
  std::vector<Finding> out;
  const core::Snapshot& s = r.snapshot;

  if (const auto pct = fill_percent(s); pct && *pct >= 80) {
    out.push_back({"table_full", *pct >= 95 ? Severity::Critical : Severity::Warning,
                   "The table is " + fmt("%.1f", *pct) + " % full (" + num(*s.entries) + " of " +
                       num(*s.max_entries) +
                       " entries). When it is full, a packet that needs a new entry is dropped: new "
                       "connections fail silently (kernel log: \"nf_conntrack: table full, dropping packet\")."});
  }

  const std::string over = " in " + fmt("%.1f", r.interval_seconds) + " s";
  auto per_s = [&](std::uint64_t d) {
    return r.interval_seconds > 0 ? " (" + rate(static_cast<double>(d) / r.interval_seconds) + ")" : std::string();
  };
  if (const auto d = delta(r, Counter::Drop); d && *d > 0) {
    out.push_back({"drop_rising", Severity::Critical,
                   "drop rose by " + num(*d) + over + per_s(*d) +
                       ": new connections are being silently dropped — check with `conntrack -S`. The kernel "
                       "counts drop when a packet needs a new entry and none can be made: the table is full "
                       "and early drop found no unassured entry to evict (or an insert clash could not be "
                       "resolved: then insert_failed rises too)."});
  }
  if (const auto d = delta(r, Counter::InsertFailed); d && *d > 0) {
    out.push_back({"insert_failed_rising", Severity::Warning,
                   "insert_failed rose by " + num(*d) + over + per_s(*d) +
                       ": new entries clashed with an existing entry for the same tuple (for example two "
                       "packets of a new UDP flow racing on two CPUs, or NAT picking a taken tuple) and could "
                       "not be merged, or met an over-long hash chain (chaintoolong); those packets are "
                       "dropped — check with `conntrack -S`."});
  }
  if (const auto d = delta(r, Counter::EarlyDrop); d && *d > 0) {
    out.push_back({"early_drop_rising", Severity::Warning,
                   "early_drop rose by " + num(*d) + over + per_s(*d) +
                       ": the table was full, and the kernel evicted entries not yet assured (no reply "
                       "seen, or not fully established) to make room for new ones."});
  }
  if (!r.first_counters) {
    const auto drop = counter(s.counters, Counter::Drop).value_or(0);
    const auto failed = counter(s.counters, Counter::InsertFailed).value_or(0);
    if (drop > 0 || failed > 0)
      out.push_back({"drops_in_the_past", Severity::Info,
                     "drop is " + num(drop) + " and insert_failed is " + num(failed) +
                         " since conntrack started in this namespace. Are they still rising? Run "
                         "`ctwatch --interval 10` (or watch `conntrack -S`)."});
  }

  if (r.census && r.census->entries > 0) {
    const auto& c = *r.census;
    const std::uint64_t tw = c.tcp_states[core::kTcpTimeWait];
    if (2 * tw >= c.entries && tw > 0) {
      const double share = 100.0 * static_cast<double>(tw) / static_cast<double>(c.entries);
      std::string who;
      if (c.top_peers) {
        const std::string src = top_of(c.top_peers->time_wait_sources, false);
        const std::string dst = top_of(c.top_peers->time_wait_destinations, true);
        if (!src.empty()) who = " Top TIME_WAIT source: " + src + "; top destination: " + dst + ".";
      }
      const auto tw_timeout = s.tunable(Tunable::TcpTimeoutTimeWait);
      const auto pct = fill_percent(s);
      out.push_back({"time_wait", pct && *pct >= 50 ? Severity::Warning : Severity::Info,
                     fmt("%.0f", share) + " % of the entries (" + num(tw) + " of " + num(c.entries) +
                         ") are TCP TIME_WAIT: connections closed in the last " +
                         (tw_timeout ? num(*tw_timeout) + " s" : std::string("nf_conntrack_tcp_timeout_time_wait")) +
                         "." + who +
                         " A client without connection pooling? Consider pooling, or lowering "
                         "net.netfilter.nf_conntrack_tcp_timeout_time_wait."});
    }
  }

  if (s.max_entries && *s.max_entries == kDefaultMax) {
    out.push_back({"default_max", Severity::Info,
                   "nf_conntrack_max is 262144, the kernel's default for a 64-bit machine with more than "
                   "4 GiB of RAM: is it sized for this host's peak? Set net.netfilter.nf_conntrack_max from "
                   "the expected connection rate and the timeouts that keep entries."});
  }
  if (const auto reuse = s.tunable(Tunable::TcpTwReuse); reuse && *reuse == 1) {
    out.push_back({"tcp_tw_reuse", Severity::Warning,
                   "net.ipv4.tcp_tw_reuse is 1: new outgoing connections may reuse the port of a socket "
                   "still in TIME_WAIT. That does not shrink the conntrack table (conntrack keeps its own "
                   "TIME_WAIT entry); a SYN on that entry makes conntrack kill and re-create it, and a "
                   "stateful firewall on the path that still holds the old connection may drop the new SYN. "
                   "The default is 2 (loopback only)."});
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Finding& a, const Finding& b) { return a.severity < b.severity; });
  return out;
}

std::string render_text(const Report& r, const std::vector<Finding>& fs) {
  const core::Snapshot& s = r.snapshot;
  std::string out;
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
  }

  std::vector<std::string> tuning;
  if (s.max_entries) tuning.push_back("nf_conntrack_max " + num(*s.max_entries));
  for (const auto& t : kTunables)
    if (const auto v = s.tunable(t.t)) tuning.push_back(std::string(t.name) + " " + num(*v) + t.unit);
  out += "\nTuning      " + (tuning.empty() ? std::string("unknown") : wrap_items(tuning, 12, 12)) + "\n";

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
  j.open('{');
  j.key("version").uint(1);
  j.key("namespace");
  if (r.netns.empty()) {
    j.null();
  } else {
    j.open('{');
    j.key("name").str(r.netns);
    j.key("path").str(r.netns_path);
    j.close('}');
  }
  j.key("table").open('{');
  j.key("entries").opt(s.entries);
  j.key("max").opt(s.max_entries);
  if (const auto pct = fill_percent(s)) j.key("fill_percent").real(*pct);
  else j.key("fill_percent").null();
  j.key("buckets").opt(s.tunable(Tunable::Buckets));
  j.close('}');

  j.key("census");
  if (r.census) {
    const core::Census& c = *r.census;
    j.open('{');
    j.key("entries").uint(c.entries);
    j.key("seconds").real(r.census_seconds);
    j.key("tcp_states").open('{');
    for (std::size_t i = 0; i < core::kTcpStateCount; ++i) j.key(core::tcp_state_name(i)).uint(c.tcp_states[i]);
    j.close('}');
    j.key("protocols").open('{');
    for (std::size_t i = 0; i < core::kL4Count; ++i)
      j.key(core::l4_name(static_cast<core::L4>(i))).uint(c.protocols[i]);
    j.close('}');
    j.close('}');
  } else {
    j.null();
  }

  j.key("interval_seconds");
  if (r.first_counters) j.real(r.interval_seconds);
  else j.null();
  j.key("counters").open('{');
  for (const Counter c : kCounterOrder) {
    j.key(core::counter_name(c)).open('{');
    j.key("total").opt(counter(s.counters, c));
    const auto d = delta(r, c);
    j.key("delta").opt(d);
    if (d && r.interval_seconds > 0) j.key("per_second").real(static_cast<double>(*d) / r.interval_seconds);
    else j.key("per_second").null();
    j.close('}');
  }
  j.close('}');

  j.key("top");
  if (r.top > 0 && r.census && r.census->top_peers) {
    const core::TopPeers& tp = *r.census->top_peers;
    j.open('{');
    j.key("n").uint(tp.n);
    j.key("capacity").uint(tp.capacity);
    j.key("sources");
    json_list(j, tp.sources, false);
    j.key("destinations");
    json_list(j, tp.destinations, true);
    j.key("time_wait_sources");
    if (tp.time_wait_sources) json_list(j, *tp.time_wait_sources, false);
    else j.null();
    j.key("time_wait_destinations");
    if (tp.time_wait_destinations) json_list(j, *tp.time_wait_destinations, true);
    else j.null();
    j.close('}');
  } else {
    j.null();
  }

  j.key("tuning").open('{');
  j.key("nf_conntrack_max").opt(s.max_entries);
  for (const auto& t : kTunables) j.key(t.name).opt(s.tunable(t.t));
  j.close('}');

  j.key("findings").open('[');
  for (const auto& f : fs) {
    j.open('{');
    j.key("id").str(f.id);
    j.key("severity").str(severity_name(f.severity));
    j.key("message").str(f.message);
    j.close('}');
  }
  j.close(']');
  j.close('}');
  return j.done();
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
