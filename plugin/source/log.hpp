// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// The source layer reports through this callback; the collectd adapter maps
// it onto plugin_log (levels as in collectd's plugin.h).

#include <functional>
#include <string>

namespace ctwatch::source {

enum class LogLevel { Error, Warning, Notice, Info, Debug };
using LogFn = std::function<void(LogLevel, const std::string&)>;

// "<message>: <strerror(code)>" when code != 0.
std::string with_errno(const std::string& message, int code);

}  // namespace ctwatch::source
