// SPDX-License-Identifier: GPL-2.0-only
#include <algorithm>

#include "cli/explain.hpp"
#include "cli/format.hpp"
#include "cli/render.hpp"

namespace ctwatch::cli {
namespace {

using core::Counter;
using core::Tunable;

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

std::string text_sizing(const Report& r) {
  const auto sz = sizing(r);
  if (!sz) return "";
  std::string head = "need " + num(sz->need) + " entries";
  std::vector<std::string> why;
  if (sz->from_peak) why.push_back("peak seen " + num(*sz->from_peak));
  if (sz->from_rate) why.push_back("rate x " + fmt("%g", sz->hold_seconds) + " s held = " + num(*sz->from_rate));
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
                  " B each, " +
                  (sz->entry_bytes_assumed ? std::string("assumed: no slab size readable") : r.entry_bytes_source) +
                  ") + " + core::format_bytes(sz->buckets_memory) + " of buckets",
              12, 12) +
         "\n";
  if (sz->current_max)
    out += "            now nf_conntrack_max " + num(*sz->current_max) +
           (sz->current_buckets ? ", nf_conntrack_buckets " + num(*sz->current_buckets) : std::string()) +
           (sz->max_too_small ? ": too small" : ": enough") + "\n";
  if (const auto fit = memory_fit(r); fit && fit->verdict != core::MemoryVerdict::Fits)
    out += "            " + wrap(core::memory_fit_sentence(*fit, *sz), 12, 12) + "\n";
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
  if (r.netlink_refused) out += "Limited     " + wrap(limited_explanation(*r.netlink_refused), 12, 12) + "\n";

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

std::string render_sysctl(const Report& r) {
  const auto sz = sizing(r);
  if (!sz) return "";
  std::string out = core::sysctl_snippet(*sz);
  // A snippet that does not fit this machine says so in its first lines,
  // where whoever pastes it reads.
  if (const auto fit = memory_fit(r); fit && fit->verdict != core::MemoryVerdict::Fits) {
    std::string warn = "# WARNING: " + wrap(core::memory_fit_sentence(*fit, *sz), 11, 2);
    for (std::size_t i = 0; (i = warn.find("\n  ", i)) != std::string::npos;) warn.replace(i, 3, "\n# "), i += 3;
    out = warn + "\n" + out;
  }
  return out;
}

}  // namespace ctwatch::cli
