// SPDX-License-Identifier: GPL-2.0-only
#include "cli/format.hpp"

#include <cstdio>
#include <string_view>

namespace ctwatch::cli {

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

std::string top_of(const std::optional<core::PeerList>& l, bool endpoint) {
  if (!l || l->top.empty()) return "";
  const auto& p = l->top.front();
  return (endpoint ? core::format_endpoint(p.key) : core::format_address(p.key)) + " (" + num(p.count) + ")";
}

std::string wrap(const std::string& text, std::size_t first_col, std::size_t indent, std::size_t width) {
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

std::string wrap_items(const std::vector<std::string>& items, std::size_t first_col, std::size_t indent,
                       std::size_t width) {
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

std::string pad(std::string s, std::size_t w) {
  if (s.size() < w) s.append(w - s.size(), ' ');
  return s;
}

std::string rpad(const std::string& s, std::size_t w) { return s.size() < w ? std::string(w - s.size(), ' ') + s : s; }

}  // namespace ctwatch::cli
