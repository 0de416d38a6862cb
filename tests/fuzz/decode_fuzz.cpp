// SPDX-License-Identifier: GPL-2.0-only
// libFuzzer target for the pure core decoders: whatever the bytes, walking
// them as netlink datagrams (census, stats, per-CPU stats) and parsing them
// as /proc text must never read out of bounds, crash or hang.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/census.hpp"
#include "core/netlink.hpp"
#include "core/proc.hpp"
#include "core/stats.hpp"

using namespace ctwatch;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const core::Bytes bytes(reinterpret_cast<const std::byte*>(data), size);
  core::Census census;
  std::size_t decoded = 0;
  auto on = [&](const core::Message& m) {
    core::census_add(census, m.payload);
    decoded += core::decode_stats_global(m.payload).has_value();
    decoded += core::decode_stats_cpu(m.payload).has_value();
  };
  (void)core::walk_messages(bytes, 0, 0, on);
  (void)core::walk_messages(bytes, 1, 1, on);  // the seq/portid filter path
  // A message can never count more entries than the bytes could hold.
  if (census.entries > size / NLMSG_HDRLEN) __builtin_trap();

  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)core::parse_proc_stat(text);
  (void)core::parse_proc_uint(text);
  return 0;
}
