// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// How `ctwatch` writes numbers and lays out text, shared by the findings
// and the text renderer so both read the same. Pure.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/peers.hpp"

namespace ctwatch::cli {

std::string num(std::uint64_t v);
// snprintf with one double: fmt("%.1f", 2.25) == "2.2".
std::string fmt(const char* f, double v);
// "0/s", "0.05/s", "12.5/s", "300/s".
std::string rate(double per_second);
// "12.5 ms" under a second, else "1.25 s".
std::string seconds(double s);
// Left- and right-aligned in `w` columns (never cut).
std::string pad(std::string s, std::size_t w);
std::string rpad(const std::string& s, std::size_t w);
// Word-wraps `text`, which starts at column `first_col`, to `width`
// columns; continuation lines start with `indent` spaces.
std::string wrap(const std::string& text, std::size_t first_col, std::size_t indent, std::size_t width = 79);
// Joins items with ", ", breaking lines only between items.
std::string wrap_items(const std::vector<std::string>& items, std::size_t first_col, std::size_t indent,
                       std::size_t width = 79);
// "10.0.0.1 (700)", the first of the list; "" when there is none.
std::string top_of(const std::optional<core::PeerList>& l, bool endpoint);

}  // namespace ctwatch::cli
