// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// The value readers of core/config.cpp, shared with the other blocks of
// <Plugin ctwatch> (core/alertmanager.cpp: <Alertmanager>), so that every
// key reads and reports a bad value the same way: an Error naming the key
// and the value (EINVAL).

#include <optional>
#include <string>
#include <string_view>

#include "core/config.hpp"
#include "core/result.hpp"

namespace ctwatch::core::config_detail {

std::string describe(const ConfigValue& v);
std::string describe(const ConfigItem& item);
// option "<key>": invalid value <values>: <why>
Error bad(const ConfigItem& item, std::string_view why);
// Keys are case-insensitive in collectd (strcasecmp in every plugin).
bool key_is(const ConfigItem& item, std::string_view key);
Result<bool> get_bool(const ConfigItem& item);
Result<double> get_number(const ConfigItem& item, double min, double max);
Result<std::string> get_string(const ConfigItem& item);  // one non-empty string
std::optional<std::string> string_at(const ConfigItem& item, std::size_t i);

}  // namespace ctwatch::core::config_detail
