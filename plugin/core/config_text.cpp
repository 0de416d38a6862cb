// SPDX-License-Identifier: GPL-2.0-only
#include "core/config_text.hpp"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <strings.h>

namespace ctwatch::core {
namespace {

Error at(std::string_view origin, std::size_t line, std::string_view why) {
  return Error{EINVAL, std::string(origin) + " line " + std::to_string(line) + ": " + std::string(why)};
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

ConfigValue bare_value(const std::string& tok) {
  for (const char* t : {"true", "yes", "on"})
    if (strcasecmp(tok.c_str(), t) == 0) return true;
  for (const char* f : {"false", "no", "off"})
    if (strcasecmp(tok.c_str(), f) == 0) return false;
  // strtod over the whole token only: "30s" stays a string, which
  // parse_config then rejects as "expected a number", naming the option.
  char* end = nullptr;
  errno = 0;
  const double d = std::strtod(tok.c_str(), &end);
  if (!tok.empty() && end == tok.c_str() + tok.size() && errno == 0 && std::isfinite(d)) return d;
  return tok;
}

}  // namespace

Result<ConfigItem> parse_config_text(std::string_view text, std::string_view origin) {
  ConfigItem block;
  block.key = "Plugin";
  block.values.emplace_back(std::string("ctwatch"));
  std::size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    const auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);

    ConfigItem item;
    bool have_key = false;
    std::size_t i = 0;
    while (i < line.size()) {
      if (is_space(line[i])) { ++i; continue; }
      if (line[i] == '#') break;
      if (line[i] == '<') return at(origin, line_no, "blocks (<...>) are not options here; write one option per line");
      if (line[i] == '"') {
        if (!have_key) return at(origin, line_no, "a line must start with an option name, not a string");
        std::string s;
        ++i;
        bool closed = false;
        while (i < line.size()) {
          const char c = line[i++];
          if (c == '"') { closed = true; break; }
          if (c == '\\' && i < line.size()) { s += line[i++]; continue; }
          s += c;
        }
        if (!closed) return at(origin, line_no, "unterminated string");
        item.values.emplace_back(std::move(s));
        continue;
      }
      const std::size_t start = i;
      while (i < line.size() && !is_space(line[i]) && line[i] != '#' && line[i] != '"') ++i;
      std::string tok(line.substr(start, i - start));
      if (!have_key) {
        for (char c : tok)
          if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_')
            return at(origin, line_no, "invalid option name \"" + tok + "\"");
        item.key = std::move(tok);
        have_key = true;
      } else {
        item.values.push_back(bare_value(tok));
      }
    }
    if (have_key) block.children.push_back(std::move(item));
  }
  return block;
}

}  // namespace ctwatch::core
