// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// Parsers for the /proc fallback used without CAP_NET_ADMIN.
//
// /proc/net/stat/nf_conntrack (ct_cpu_seq_show() in
// net/netfilter/nf_conntrack_standalone.c) is a header line of column names
// followed by one line of hex u32 per possible CPU. Columns were renamed over
// time (searched -> clashres in 5.10, delete_list -> chainlength in 5.15), so
// columns are matched by header name, never by position. The first column,
// `entries`, is the global entry count repeated on every line: never summed.

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/stats.hpp"

namespace ctwatch::core {

// A sysctl-style file holding one unsigned decimal ("262144\n").
std::optional<std::uint64_t> parse_proc_uint(std::string_view text);

// One CpuStats per data line (cpu = line index). nullopt when the header is
// missing or a data line is not hex / has the wrong number of columns.
std::optional<std::vector<CpuStats>> parse_proc_stat(std::string_view text);

}  // namespace ctwatch::core
