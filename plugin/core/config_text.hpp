// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// The options of the <Plugin ctwatch> block written as plain text, one
// `Key value...` per line, for agents that have no collectd config tree (the
// Netdata plugin reads /etc/netdata/ctwatch.conf this way). The result is the
// same ConfigItem tree the collectd adapter builds, so parse_config decides
// what is valid for both agents and says it in the same words.
//
// Syntax, as in collectd.conf: `#` starts a comment (outside quotes); values
// are "double-quoted strings" (\" and \\ escapes), numbers (strtod, the whole
// token), true/false (also yes/no, on/off) or a bare word (a string). A line
// that cannot be tokenized is an error naming `origin` and its line number.
// Blocks (<Tag> ... </Tag>) are not part of the options and are rejected.

#include <string>
#include <string_view>

#include "core/config.hpp"
#include "core/result.hpp"

namespace ctwatch::core {

// Returns a block whose children are the lines, in order; its key is
// "Plugin" and its single value "ctwatch", like collectd's.
Result<ConfigItem> parse_config_text(std::string_view text, std::string_view origin);

}  // namespace ctwatch::core
