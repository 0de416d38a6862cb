// SPDX-License-Identifier: GPL-2.0-only
#include "source/namespace_state.hpp"

namespace ctwatch::source {

FillObservation LiveNamespace::record(double t, std::uint64_t entries, std::optional<std::uint64_t> max,
                                      core::Snapshot* s) {
  std::lock_guard<std::mutex> lk(data);
  if (max) max_entries = max;
  trend.add(t, entries);
  FillObservation o;
  o.t = t;
  o.entries = entries;
  o.max_entries = max_entries;
  // The estimate (two least-squares and Theil-Sen fits, ~30 us) only where
  // it is dispatched or can decide the page condition. A tick of a table
  // below half full costs the GET_STATS alone.
  if (max_entries && (s || core::time_to_full_decides(entries, *max_entries)))
    o.seconds_to_full = trend.seconds_to_full(*max_entries);
  if (s) {
    s->peak_entries = trend.take_peak();
    s->seconds_to_full = o.seconds_to_full;
  }
  o.page = page.update(entries, max_entries, o.seconds_to_full);
  if (o.page.crossed) o.crossed_reason = core::describe_fill(entries, *max_entries, o.seconds_to_full);
  return o;
}

}  // namespace ctwatch::source
