// SPDX-License-Identifier: GPL-2.0-only
#include "core/proc.hpp"

#include <array>
#include <charconv>

namespace ctwatch::core {
namespace {

constexpr bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// Splits on runs of blanks; calls f(token) for each.
template <class F>
void for_each_token(std::string_view line, F&& f) {
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && is_space(line[i])) ++i;
    std::size_t j = i;
    while (j < line.size() && !is_space(line[j])) ++j;
    if (j > i) f(line.substr(i, j - i));
    i = j;
  }
}

// Header name -> Counter. Both historical spellings are listed.
std::optional<Counter> column_counter(std::string_view name) {
  struct Col {
    std::string_view name;
    Counter counter;
  };
  static constexpr std::array<Col, 10> kCols{{
      {"found", Counter::Found},
      {"invalid", Counter::Invalid},
      {"insert", Counter::Insert},
      {"insert_failed", Counter::InsertFailed},
      {"drop", Counter::Drop},
      {"early_drop", Counter::EarlyDrop},
      {"icmp_error", Counter::Error},  // st->error, shown as icmp_error
      {"search_restart", Counter::SearchRestart},
      {"clashres", Counter::ClashResolve},   // >= 5.10, replaced "searched"
      {"chainlength", Counter::ChainTooLong},  // >= 5.15, replaced "delete_list"
  }};
  for (const auto& c : kCols)
    if (c.name == name) return c.counter;
  return std::nullopt;
}

}  // namespace

std::optional<std::uint64_t> parse_proc_uint(std::string_view text) {
  const std::string_view t = trim(text);
  if (t.empty()) return std::nullopt;
  std::uint64_t v = 0;
  const auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v, 10);
  if (ec != std::errc{} || p != t.data() + t.size()) return std::nullopt;
  return v;
}

std::optional<std::vector<CpuStats>> parse_proc_stat(std::string_view text) {
  std::vector<std::optional<Counter>> columns;
  std::vector<CpuStats> cpus;
  bool header = true;
  bool ok = true;
  while (ok && !text.empty()) {
    const std::size_t nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (trim(line).empty()) continue;
    if (header) {
      for_each_token(line, [&](std::string_view name) { columns.push_back(column_counter(name)); });
      header = false;
      // A header must name columns, not be hex numbers.
      if (columns.empty() || line.find("entries") == std::string_view::npos) return std::nullopt;
      continue;
    }
    CpuStats cpu;
    cpu.cpu = static_cast<std::uint16_t>(cpus.size());
    std::size_t col = 0;
    for_each_token(line, [&](std::string_view tok) {
      std::uint32_t v = 0;
      const auto [p, ec] = std::from_chars(tok.data(), tok.data() + tok.size(), v, 16);
      if (ec != std::errc{} || p != tok.data() + tok.size() || col >= columns.size()) {
        ok = false;
        return;
      }
      if (columns[col]) cpu.counters[static_cast<std::size_t>(*columns[col])] = v;
      ++col;
    });
    if (col != columns.size()) ok = false;
    cpus.push_back(cpu);
  }
  if (!ok || header) return std::nullopt;
  return cpus;
}

}  // namespace ctwatch::core
