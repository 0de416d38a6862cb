// SPDX-License-Identifier: GPL-2.0-only
// libFuzzer target for the pure core decoders: whatever the bytes, walking
// them as netlink datagrams (census with and without top peers, stats,
// per-CPU stats) and parsing them as /proc text must never read out of
// bounds, crash or hang. The top-peers parser (addresses, ports, GRE keys)
// and the Space-Saving sketch are checked against their contracts
// (plugin/core/peers.hpp): a broken guarantee traps like a crash.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string_view>

#include "core/census.hpp"
#include "core/netlink.hpp"
#include "core/peers.hpp"
#include "core/proc.hpp"
#include "core/stats.hpp"

using namespace ctwatch;

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

// One reported list: at most n peers, count descending then key ascending,
// exact lists without error, every error within max_error, and no more
// entries in it than were counted into the list.
void check_list(const core::PeerList& l, std::size_t n, std::uint64_t counted_at_most) {
  check(l.top.size() <= n);
  check(l.counted <= counted_at_most);
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < l.top.size(); ++i) {
    const auto& p = l.top[i];
    check(p.count >= 1 && p.error < p.count);
    check(l.exact ? p.error == 0 : p.error <= l.max_error);
    sum += p.count - p.error;
    if (i > 0) {
      const auto& q = l.top[i - 1];
      check(q.count > p.count || (q.count == p.count && q.key < p.key));
    }
    (void)core::format_address(p.key);
    (void)core::format_endpoint(p.key);
  }
  check(sum <= l.counted);
}

// A tally as the census uses it, small enough that a fuzz input of a few
// KiB evicts (m = 8), with the CLI's TIME_WAIT lists; cleared per input, as
// the plugin reuses one tally from census to census.
core::PeerTally& tally() {
  static core::PeerTally t(core::PeerOptions{3, 8, true}, 0x5eed);
  t.clear();
  return t;
}

// Walks the bytes as dump messages into a census with peers.
void fuzz_census_peers(core::Bytes bytes) {
  core::Census census;
  core::PeerTally& peers = tally();
  auto on = [&](const core::Message& m) { core::census_add(census, m.payload, &peers); };
  (void)core::walk_messages(bytes, 0, 0, on);
  const core::TopPeers top = peers.top();
  check(top.n == 3 && top.capacity == 8);
  // An entry adds at most one source and one destination.
  check_list(top.sources, top.n, census.entries);
  check_list(top.destinations, top.n, census.entries);
  check(top.time_wait_sources && top.time_wait_destinations);
  check_list(*top.time_wait_sources, top.n, census.tcp_states[core::kTcpTimeWait]);
  check_list(*top.time_wait_destinations, top.n, census.tcp_states[core::kTcpTimeWait]);
}

// The sketch against an exact count: the input, after a capacity byte, is a
// stream of keys from a small space (so they repeat and evict). Space-Saving
// keeps the sum of counts equal to n, count - error <= true <= count for
// every tracked key, and tracks every key whose true count exceeds n / m.
void fuzz_sketch(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return;
  const std::size_t m = data[0] % 16 + 1;
  core::PeerSketch s(m, data[1]);
  std::map<core::PeerKey, std::uint64_t> truth;
  for (std::size_t i = 2; i < size; ++i) {
    const std::uint8_t b = data[i];
    const core::PeerKey k = b & 0x80 ? core::ipv6_peer({0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, b}, b & 3)
                                     : core::ipv4_peer(0x0a000000u | (b & 0x1f), b & 0x60);
    s.add(k);
    ++truth[k];
  }
  const std::uint64_t n = size - 2;
  check(s.added() == n && s.tracked() <= m && s.capacity() == m);
  // An eviction (and so inexactness) happens exactly when a new key finds
  // all m entries taken.
  check(s.exact() == (truth.size() <= m));
  check(s.max_error() <= n / m);
  const auto all = s.top(m);
  check(all.size() == s.tracked());
  std::uint64_t sum = 0;
  for (const auto& p : all) {
    const auto it = truth.find(p.key);
    check(it != truth.end());
    check(p.count - p.error <= it->second && it->second <= p.count);
    check(s.exact() ? p.error == 0 && p.count == it->second : p.error <= s.max_error());
    sum += p.count;
  }
  check(sum == n || truth.empty());
  for (const auto& kc : truth)  // not [k, c]: clang 14 cannot capture a structured binding
    if (kc.second * m > n)
      check(std::any_of(all.begin(), all.end(), [&](const core::PeerCount& p) { return p.key == kc.first; }));
  // Forgotten entirely, memory kept: counts again from zero.
  s.clear();
  check(s.added() == 0 && s.tracked() == 0 && s.exact() && s.top(m).empty());
}

}  // namespace

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

  fuzz_census_peers(bytes);
  fuzz_sketch(data, size);

  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)core::parse_proc_stat(text);
  (void)core::parse_proc_uint(text);
  return 0;
}
