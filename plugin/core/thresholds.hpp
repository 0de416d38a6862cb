// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// Thresholds: every number that decides a page, defined once. The plugin's
// page policy (core/page_policy.hpp) uses them; the mixin's defaults
// (mixin/config.libsonnet) must equal them, which tests check.

namespace ctwatch::core {

// ConntrackTableNearlyFull (critical): at least this fraction of
// nf_conntrack_max in use. mixin: fillPageRatio.
inline constexpr double kPageFillRatio = 0.80;
// ConntrackTableFillingFast (critical) needs at least this fill, so that an
// idle, nearly empty table never pages on noise. mixin: fillGateRatio.
inline constexpr double kFastFillRatio = 0.50;
// ... and the table full within this many seconds at the current growth.
// mixin: fillingFastSeconds.
inline constexpr double kFastFillSeconds = 300;

}  // namespace ctwatch::core
