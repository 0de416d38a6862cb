// SPDX-License-Identifier: GPL-2.0-only
#include "cli/watch_view.hpp"

#include <algorithm>
#include <cmath>

#include "cli/format.hpp"
#include "cli/report.hpp"
#include "core/peers.hpp"

namespace ctwatch::cli {
namespace {

constexpr std::size_t kLabel = 9;  // "Fill     " : values start in column 9

struct Block {
  int priority;
  std::vector<std::string> lines;
  bool peers = false;  // the flexible block: rows shrink before it goes
};

std::string cut(std::string s, std::size_t width) {
  if (s.size() > width) s.resize(width);
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

// Items after a label, on as many lines as the width needs (at most
// max_lines; the rest is cut).
std::vector<std::string> labelled(const std::string& label, const std::vector<std::string>& items,
                                  std::size_t width, std::size_t max_lines) {
  std::vector<std::string> out;
  std::string line = pad(label, kLabel);
  bool first = true;
  for (const auto& it : items) {
    if (!first && line.size() + 2 + it.size() > width) {
      out.push_back(line);
      if (out.size() == max_lines) return out;
      line = std::string(kLabel, ' ');
      first = true;
    }
    line += (first ? "" : "  ") + it;
    first = false;
  }
  out.push_back(line);
  return out;
}

std::string per_second(double v) {
  std::string s = rate(v);  // "12.5/s"
  return s.substr(0, s.size() - 2);
}

std::string fill_line(const WatchFrame& f, std::size_t width) {
  std::string s = pad("Fill", kLabel);
  if (!f.entries) return s + "entry count unknown";
  s += num(*f.entries);
  if (f.max_entries) s += " of " + num(*f.max_entries);
  core::Snapshot snap;
  snap.entries = f.entries;
  snap.max_entries = f.max_entries;
  const auto pct = fill_percent(snap);
  if (!pct) return s;
  s += "  " + fmt("%.1f", *pct) + " %";
  // The bar takes what is left of the line (none when under 12 columns).
  if (width > s.size() + 14) {
    const std::size_t inner = std::min<std::size_t>(width - s.size() - 4, 50);
    const auto full = static_cast<std::size_t>(std::lround(std::min(*pct, 100.0) / 100.0 * static_cast<double>(inner)));
    s += "  [" + std::string(full, '#') + std::string(inner - full, '.') + "]";
  }
  return s;
}

std::string duration(double s) {
  if (s < 120) return fmt("%.0f s", s);
  if (s < 7200) return fmt("%.0f min", s / 60);
  if (s < 172800) return fmt("%.1f h", s / 3600);
  return fmt("%.0f days", s / 86400);
}

}  // namespace

std::string time_to_full_text(const std::optional<double>& seconds) {
  if (!seconds) return "collecting samples";
  if (std::isinf(*seconds)) return "not growing";
  if (*seconds <= 0) return "FULL NOW";
  return "in " + duration(*seconds);
}

std::vector<std::string> render_watch(const WatchFrame& f, std::size_t width, std::size_t height) {
  if (width == 0) return {};
  std::vector<Block> blocks;

  // The header: what is watched, how, and when; the parts that matter
  // least go first when the width is short (the time stays).
  const std::string src = f.source == core::Source::Proc ? "/proc" : "netlink";
  const std::string every = "every " + fmt("%g", f.refresh_seconds) + " s";
  std::string head;
  for (const auto& h : {"ctwatch  " + f.where + "  " + src + "  " + every + "  " + f.clock,
                        "ctwatch  " + src + "  " + every + "  " + f.clock, "ctwatch  " + f.clock}) {
    head = h;
    if (head.size() <= width) break;
  }
  const std::string quit = "Ctrl-C quits";
  if (height > 0 && head.size() + 2 + quit.size() <= width) head += std::string(width - head.size() - quit.size(), ' ') + quit;
  blocks.push_back({0, {head}});
  blocks.push_back({0, {fill_line(f, width)}});
  if (f.error) blocks.push_back({1, {pad("Error", kLabel) + *f.error}});
  if (f.limited) blocks.push_back({1, {pad("Limited", kLabel) + *f.limited}});

  std::vector<std::string> trend;
  if (f.peak) trend.push_back("peak " + num(*f.peak));
  if (f.growth) trend.push_back("growth " + fmt(*f.growth == 0 ? "%.0f/s" : "%+.1f/s", *f.growth));
  if (f.max_entries) trend.push_back("full: " + time_to_full_text(f.seconds_to_full));
  blocks.push_back({1, labelled("Trend", trend, width, 1)});

  std::vector<std::string> rates;
  for (const auto c : kCounterOrder) {
    const auto total = f.totals[static_cast<std::size_t>(c)];
    if (!total) continue;  // absent stays absent
    const std::string name(core::counter_name(c));
    if (!f.rates) rates.push_back(name + " -");
    else if (const auto r = (*f.rates)[static_cast<std::size_t>(c)]) rates.push_back(name + " " + per_second(*r));
    else rates.push_back(name + " ?");
  }
  if (!rates.empty()) blocks.push_back({2, labelled("Per sec", rates, width, 2)});

  if (f.census) {
    const core::Census& c = *f.census;
    std::vector<std::pair<std::uint64_t, std::string>> st;
    for (std::size_t i = 0; i < core::kTcpStateCount; ++i)
      if (c.tcp_states[i]) st.emplace_back(c.tcp_states[i], std::string(core::tcp_state_name(i)));
    std::stable_sort(st.begin(), st.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    std::vector<std::string> items;
    for (const auto& [n, name] : st) items.push_back(name + " " + num(n));
    if (items.empty()) items.push_back("none");
    blocks.push_back({3, labelled("TCP", items, width, 2)});
    blocks.push_back({4, {pad("Census", kLabel) + num(c.entries) + " entries in " + seconds(f.census_seconds) + ", " +
                          fmt("%.0f", f.census_age) + " s ago (every ~" + fmt("%.0f", std::max(f.census_every, f.refresh_seconds)) + " s)"}});
    if (f.top > 0 && c.top_peers) {
      const core::TopPeers& tp = *c.top_peers;
      const std::size_t rows = std::min({f.top, std::max(tp.sources.top.size(), tp.destinations.top.size())});
      // Two columns: source (address) and destination (address:port), each
      // with its count right-aligned, in half the width each.
      const std::size_t half = std::max<std::size_t>(width / 2, 20);
      auto cell = [&](const std::string& name, const std::string& n) {
        const std::size_t room = half > n.size() + 3 ? half - n.size() - 3 : 1;
        std::string a = name.size() > room ? name.substr(0, room) : name;
        return pad(a, room) + " " + n + "  ";
      };
      Block b{5, {}, true};
      b.lines.push_back("");
      b.lines.push_back(cell("Top sources" + std::string(tp.sources.exact ? "" : " (approx.)"), "entries") +
                        cell("Top destinations" + std::string(tp.destinations.exact ? "" : " (approx.)"), "entries"));
      for (std::size_t i = 0; i < rows; ++i) {
        std::string line;
        line += i < tp.sources.top.size()
                    ? cell(core::format_address(tp.sources.top[i].key), rpad(num(tp.sources.top[i].count), 7))
                    : std::string(half, ' ');
        if (i < tp.destinations.top.size())
          line += cell(core::format_endpoint(tp.destinations.top[i].key), rpad(num(tp.destinations.top[i].count), 7));
        b.lines.push_back(line);
      }
      if (rows == 0) b.lines.push_back("  (none)");
      blocks.push_back(std::move(b));
    }
  } else if (f.source == core::Source::Netlink) {
    blocks.push_back({3, {pad("TCP", kLabel) + "waiting for the first census"}});
  }

  if (height > 0) {
    auto total = [&] {
      std::size_t n = 0;
      for (const auto& b : blocks) n += b.lines.size();
      return n;
    };
    while (total() > height) {
      // The block of the largest priority; the peer rows shrink first (down
      // to the blank line, the header and one row), then blocks go.
      auto it = std::max_element(blocks.begin(), blocks.end(),
                                 [](const Block& a, const Block& b) { return a.priority < b.priority; });
      if (it->peers && it->lines.size() > 3) {
        it->lines.pop_back();
      } else if (it->priority == 0) {
        // Only header and fill left: cut the rest.
        std::vector<std::string> all;
        for (const auto& b : blocks) all.insert(all.end(), b.lines.begin(), b.lines.end());
        all.resize(height);
        for (auto& l : all) l = cut(l, width);
        return all;
      } else {
        blocks.erase(it);
      }
    }
  }
  std::vector<std::string> out;
  for (const auto& b : blocks)
    for (const auto& l : b.lines) out.push_back(cut(l, width));
  return out;
}

}  // namespace ctwatch::cli
