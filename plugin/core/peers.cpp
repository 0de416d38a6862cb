// SPDX-License-Identifier: GPL-2.0-only
#include "core/peers.hpp"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <algorithm>
#include <bit>
#include <cstring>

namespace ctwatch::core {
namespace {

std::string ntop(const PeerKey& k) {
  char buf[INET6_ADDRSTRLEN] = {};
  const int af = k.family == AF_INET6 ? AF_INET6 : AF_INET;
  if (!inet_ntop(af, k.addr.data(), buf, sizeof buf)) return "?";
  return buf;
}

}  // namespace

PeerKey ipv4_peer(std::uint32_t host_order_addr, std::uint16_t port) {
  PeerKey k;
  k.family = AF_INET;
  const std::uint32_t be = htonl(host_order_addr);
  std::memcpy(k.addr.data(), &be, 4);
  k.port = port;
  return k;
}

PeerKey ipv6_peer(const std::array<std::uint8_t, 16>& addr, std::uint16_t port) {
  PeerKey k;
  k.family = AF_INET6;
  k.addr = addr;
  k.port = port;
  return k;
}

std::string format_address(const PeerKey& k) { return ntop(k); }

std::string format_endpoint(const PeerKey& k) {
  const std::string port = std::to_string(k.port);
  return k.family == AF_INET6 ? "[" + ntop(k) + "]:" + port : ntop(k) + ":" + port;
}

PeerSketch::PeerSketch(std::size_t capacity, std::uint64_t seed) : seed_(seed) {
  capacity = std::clamp<std::size_t>(capacity, 1, kMaxCapacity);
  entries_.resize(capacity);
  counts_.resize(capacity);
  // Load factor <= 1/2 keeps linear probing short; at most 65536 slots, so
  // slot indices fit Entry's 16-bit fields.
  table_.assign(2 * std::bit_ceil(capacity), 0);
  mask_ = table_.size() - 1;
}

void PeerSketch::clear() {
  std::fill(table_.begin(), table_.end(), 0u);
  size_ = 0;
  added_ = 0;
  sorted_ = false;
}

std::uint64_t PeerSketch::max_error() const noexcept {
  return sorted_ && size_ > 0 ? entries_[0].count : 0;
}

void PeerSketch::move_entry(std::size_t from, std::size_t to) {
  entries_[to] = entries_[from];
  std::uint32_t& s = table_[entries_[to].slot];
  s = (s & ~kIndexMask) | static_cast<std::uint32_t>(to + 1);
}

void PeerSketch::bump_sorted(std::size_t e) {
  // Keep [0, size_) ascending by count: move e to the end of its run of
  // equal counts, then increment it there. The search runs over counts_,
  // 4 bytes per entry (16 KiB at m = 4096, so it stays in L1), not over the
  // 32-byte entries. Swapping within a run of equal counts leaves counts_
  // right except at `last`.
  const std::uint32_t c = counts_[e];
  std::size_t last = e;
  if (e + 1 < size_ && counts_[e + 1] == c) {
    // Branch-free upper bound over [e + 1, size_): the comparisons depend on
    // the data, so a branchy search mispredicts about every other step.
    const std::uint32_t* p = counts_.data() + e + 1;
    std::size_t n = size_ - e - 1;
    while (n > 1) {
      const std::size_t half = n / 2;
      p = p[half] <= c ? p + half : p;
      n -= half;
    }
    last = static_cast<std::size_t>(p - counts_.data()) + (*p <= c ? 1 : 0) - 1;
  }
  if (last != e) {
    const Entry tmp = entries_[e];
    move_entry(last, e);
    entries_[last] = tmp;
    std::uint32_t& s = table_[tmp.slot];
    s = (s & ~kIndexMask) | static_cast<std::uint32_t>(last + 1);
  }
  ++entries_[last].count;
  ++counts_[last];
}

void PeerSketch::sort_by_count() {
  // Once per census at most: the first eviction needs the minimum.
  std::sort(entries_.begin(), entries_.begin() + static_cast<std::ptrdiff_t>(size_),
            [](const Entry& a, const Entry& b) { return a.count < b.count; });
  for (std::size_t i = 0; i < size_; ++i) {
    std::uint32_t& s = table_[entries_[i].slot];
    s = (s & ~kIndexMask) | static_cast<std::uint32_t>(i + 1);
    counts_[i] = entries_[i].count;
  }
  sorted_ = true;
}

// Linear probing without tombstones: later keys of the probe run move back
// into the hole unless their home slot lies cyclically in (hole, j].
void PeerSketch::erase_slot(std::size_t hole) {
  for (std::size_t j = (hole + 1) & mask_;; j = (j + 1) & mask_) {
    const std::uint32_t s = table_[j];
    if (s == 0) break;
    Entry& e = entries_[(s & kIndexMask) - 1];
    const std::size_t home = e.home;
    const bool stays = hole < j ? (home > hole && home <= j) : (home > hole || home <= j);
    if (stays) continue;
    table_[hole] = s;
    e.slot = static_cast<std::uint16_t>(hole);
    hole = j;
  }
  table_[hole] = 0;
}

void PeerSketch::insert(const PeerKey& k, std::uint32_t tag, std::size_t home, std::size_t free_slot) {
  if (size_ < entries_.size()) {
    entries_[size_] = Entry{k, 1, 0, static_cast<std::uint16_t>(free_slot), static_cast<std::uint16_t>(home)};
    table_[free_slot] = tag | static_cast<std::uint32_t>(size_ + 1);
    ++size_;
    return;
  }
  // Full: the new key replaces one with the smallest count c, inheriting c
  // as its error (Space-Saving). The first time, sort by count; from then
  // on bump_sorted() keeps the order, so the minimum is entries_[0].
  if (!sorted_) sort_by_count();
  erase_slot(entries_[0].slot);
  std::size_t i = home;  // the erase may have moved the probe run: probe again
  while (table_[i] != 0) i = (i + 1) & mask_;
  const std::uint32_t c = entries_[0].count;  // counts_[0] == c as well
  entries_[0] = Entry{k, c, c, static_cast<std::uint16_t>(i), static_cast<std::uint16_t>(home)};
  table_[i] = tag | 1u;
  bump_sorted(0);
}

std::vector<PeerCount> PeerSketch::top(std::size_t n) const {
  std::vector<PeerCount> out;
  out.reserve(size_);
  for (std::size_t i = 0; i < size_; ++i)
    out.push_back(PeerCount{entries_[i].key, entries_[i].count, entries_[i].error});
  const std::size_t k = std::min(n, out.size());
  std::partial_sort(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(k), out.end(),
                    [](const PeerCount& a, const PeerCount& b) {
                      return a.count != b.count ? a.count > b.count : a.key < b.key;
                    });
  out.resize(k);
  return out;
}

std::size_t default_peer_capacity(std::size_t top) {
  return std::min<std::size_t>(std::max<std::size_t>(4096, 32 * top), PeerSketch::kMaxCapacity);
}

namespace {

std::size_t capacity_of(const PeerOptions& o) {
  return o.capacity ? o.capacity : default_peer_capacity(o.top);
}

PeerList list_of(const PeerSketch& s, std::size_t n) {
  PeerList l;
  l.top = s.top(n);
  l.exact = s.exact();
  l.max_error = s.max_error();
  l.counted = s.added();
  return l;
}

}  // namespace

PeerTally::PeerTally(const PeerOptions& opt, std::uint64_t seed)
    : opt_(opt), src_(capacity_of(opt), seed), dst_(capacity_of(opt), seed + 1) {
  if (opt.time_wait) {
    tw_src_.emplace(capacity_of(opt), seed + 2);
    tw_dst_.emplace(capacity_of(opt), seed + 3);
  }
  if (opt.unreplied) {
    ur_src_.emplace(capacity_of(opt), seed + 4);
    ur_dst_.emplace(capacity_of(opt), seed + 5);
  }
}

void PeerTally::clear() {
  src_.clear();
  dst_.clear();
  if (tw_src_) tw_src_->clear();
  if (tw_dst_) tw_dst_->clear();
  if (ur_src_) ur_src_->clear();
  if (ur_dst_) ur_dst_->clear();
}

void PeerTally::add(const PeerKey* src, const PeerKey* dst, bool time_wait, bool unreplied) {
  if (src) src_.add(*src);
  if (dst) dst_.add(*dst);
  if (time_wait && tw_src_) {
    if (src) tw_src_->add(*src);
    if (dst) tw_dst_->add(*dst);
  }
  if (unreplied && ur_src_) {
    if (src) ur_src_->add(*src);
    if (dst) ur_dst_->add(*dst);
  }
}

TopPeers PeerTally::top() const {
  TopPeers t;
  t.n = opt_.top;
  t.capacity = src_.capacity();
  t.sources = list_of(src_, opt_.top);
  t.destinations = list_of(dst_, opt_.top);
  if (tw_src_) t.time_wait_sources = list_of(*tw_src_, opt_.top);
  if (tw_dst_) t.time_wait_destinations = list_of(*tw_dst_, opt_.top);
  if (ur_src_) t.unreplied_sources = list_of(*ur_src_, opt_.top);
  if (ur_dst_) t.unreplied_destinations = list_of(*ur_dst_, opt_.top);
  return t;
}

}  // namespace ctwatch::core
