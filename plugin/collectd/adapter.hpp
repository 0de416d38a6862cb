// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// The only code that includes collectd headers. It exports module_register
// (see plugin/collectd/exports.map) and maps collectd's lifecycle onto the
// Monitor:
//   config   -> core::parse_config; an unknown key or bad value is an ERROR
//               naming both, and the callback fails, so collectd does not
//               start and `collectd -T` fails;
//   init     -> builds the Monitor and registers the read callback (so a
//               failed init leaves no read callback behind);
//   read     -> Monitor::read, each Snapshot -> value lists;
//   shutdown -> unregisters the read callback; the Monitor is freed by the
//               user_data free_func (collectd's own lifecycle, plugin.c).

#include <string>
#include <vector>

#include "core/metrics.hpp"

namespace ctwatch::collectd {

inline constexpr const char* kPluginName = "ctwatch";

}  // namespace ctwatch::collectd
