// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// Why `ctwatch` could not look, in words an on-call person can act on.

#include <string>

#include "core/result.hpp"

namespace ctwatch::cli {

// Where a failure happened, for the explanation.
enum class Stage { Open, Stats, Census };
// "cannot enter namespace /var/run/netns/x: No such file or directory", with
// a plain-language hint when the errno says what is missing (privilege,
// conntrack not loaded). No "ctwatch: " prefix, no newline.
std::string explain(const core::Error& e, Stage stage, const std::string& netns_path);

// The one line shown when ctnetlink refused and the values come from /proc:
// what is shown, what is missing and what it needs (EPERM/EACCES: the
// capability CAP_NET_ADMIN; otherwise the ctnetlink module). No newline.
std::string limited_explanation(const core::Error& refused);
// The same in one short line, for --watch.
std::string limited_short(const core::Error& refused);

}  // namespace ctwatch::cli
