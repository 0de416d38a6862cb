// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// Top peers: which addresses hold the most conntrack entries, counted during
// the census in memory that is fixed up front, however many distinct peers
// the table holds.
//
// PeerSketch is Space-Saving (Metwally, Agrawal, El Abbadi, "Efficient
// Computation of Frequent and Top-k Elements in Data Streams", ICDT 2005)
// with a fixed capacity m. With n = entries added:
//   - while at most m distinct keys have been added it is an exact counter:
//     every count is exact and exact() is true;
//   - beyond that, a new key takes the place of a key with the smallest
//     count c_min and starts at c_min + 1 with error c_min. Then for every
//     tracked key   count - error <= true count <= count,   and
//     error <= max_error() <= n / m;
//   - every key whose true count exceeds n / m is tracked, so it cannot be
//     missed: with m = 4096, any peer holding more than 1/4096 (0.025 %) of
//     the table is found, whatever else the table holds.
// Ranking is by count, ties by key ascending: the result never depends on
// the hash seed, and while exact not on the order of the dump either.
//
// Costs: add() never allocates. While exact it is one hash probe and an
// increment; after the first eviction it keeps the entries sorted by count
// (the "stream summary" as an array), so an increment also does a binary
// search over a dense array of counts and one swap. Memory: 36 bytes per
// entry plus two 4-byte hash slots (load factor <= 1/2): 176 KiB at m = 4096.
//
// The hash is keyed with a seed the caller chooses (the source layer draws
// it at random), so a remote sender cannot aim addresses at one probe chain
// of a known table. It is not a cryptographic hash.

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace ctwatch::core {

// A peer as counted: an address, and for destinations the port.
// Ordered by family (IPv4 first), then address (numerically), then port.
struct PeerKey {
  std::uint8_t family = 0;                // AF_INET or AF_INET6
  std::uint8_t reserved = 0;              // always 0 (keys are hashed as bytes)
  std::array<std::uint8_t, 16> addr{};    // network byte order; IPv4 in the first 4
  std::uint16_t port = 0;                 // host byte order; 0 for sources and port-less protocols

  friend bool operator==(const PeerKey&, const PeerKey&) = default;
  friend auto operator<=>(const PeerKey&, const PeerKey&) = default;
};
static_assert(sizeof(PeerKey) == 20 && std::has_unique_object_representations_v<PeerKey>,
              "PeerKey is hashed and compared as its bytes: no padding allowed");

PeerKey ipv4_peer(std::uint32_t host_order_addr, std::uint16_t port = 0);
PeerKey ipv6_peer(const std::array<std::uint8_t, 16>& addr, std::uint16_t port = 0);

// "198.18.0.1", "fd00::1" (inet_ntop forms).
std::string format_address(const PeerKey& k);
// "198.18.0.1:80", "[fd00::1]:443".
std::string format_endpoint(const PeerKey& k);

struct PeerCount {
  PeerKey key;
  std::uint64_t count = 0;  // entries counted for this key (an upper bound when inexact)
  std::uint64_t error = 0;  // count - error <= true count; 0 while exact
};

class PeerSketch {
 public:
  static constexpr std::size_t kMaxCapacity = 32768;  // slot and entry indices fit 16 bits

  // capacity: 1..kMaxCapacity (clamped). Allocates everything now.
  PeerSketch(std::size_t capacity, std::uint64_t seed);

  // Counts one occurrence of k. Inline: the census calls it twice per entry.
  void add(const PeerKey& k) {
    ++added_;
    const std::uint64_t h = hash(k);
    const auto tag = static_cast<std::uint32_t>(h >> 48) << 16;
    std::size_t i = h & mask_;
    for (;; i = (i + 1) & mask_) {
      const std::uint32_t s = table_[i];
      if (s == 0) break;
      if ((s & ~kIndexMask) != tag) continue;
      const std::size_t e = (s & kIndexMask) - 1;
      if (!same_key(entries_[e].key, k)) continue;
      if (sorted_) bump_sorted(e);
      else ++entries_[e].count;
      return;
    }
    insert(k, tag, h & mask_, i);
  }
  // Forgets every key; keeps the memory.
  void clear();

  // The n largest counts, count descending then key ascending.
  std::vector<PeerCount> top(std::size_t n) const;

  std::uint64_t added() const noexcept { return added_; }
  std::size_t tracked() const noexcept { return size_; }
  std::size_t capacity() const noexcept { return entries_.size(); }
  // True while no key was ever evicted: every count is exact.
  bool exact() const noexcept { return !sorted_; }
  // 0 while exact; else the smallest tracked count, an upper bound on every
  // key's error (and <= added() / capacity()).
  std::uint64_t max_error() const noexcept;

 private:
  struct Entry {
    PeerKey key;
    std::uint32_t count;  // a table never holds 2^32 entries (each costs ~300 B of kernel memory)
    std::uint32_t error;
    std::uint16_t slot;   // where the key sits in table_
    std::uint16_t home;   // its first-choice slot (hash & mask), for backward-shift deletion
  };
  static_assert(sizeof(Entry) == 32);

  static constexpr std::uint32_t kIndexMask = 0xffffu;

  // The key as three words, compared inline (PeerKey's operator== would
  // memcmp its array through a call on every probe).
  static bool same_key(const PeerKey& x, const PeerKey& y) noexcept {
    unsigned char bx[sizeof(PeerKey)], by[sizeof(PeerKey)];
    std::memcpy(bx, &x, sizeof bx);
    std::memcpy(by, &y, sizeof by);
    std::uint64_t x0, x1, y0, y1;
    std::uint32_t x2, y2;
    std::memcpy(&x0, bx, 8);
    std::memcpy(&x1, bx + 8, 8);
    std::memcpy(&x2, bx + 16, 4);
    std::memcpy(&y0, by, 8);
    std::memcpy(&y1, by + 8, 8);
    std::memcpy(&y2, by + 16, 4);
    return ((x0 ^ y0) | (x1 ^ y1) | (x2 ^ y2)) == 0;
  }

  // Seeded multiply-xorshift over the key's 20 bytes (has unique object
  // representations, so equal keys hash equally).
  std::uint64_t hash(const PeerKey& k) const noexcept {
    unsigned char b[sizeof(PeerKey)];
    std::memcpy(b, &k, sizeof b);
    std::uint64_t w0, w1;
    std::uint32_t w2;
    std::memcpy(&w0, b, 8);
    std::memcpy(&w1, b + 8, 8);
    std::memcpy(&w2, b + 16, 4);
    std::uint64_t h = seed_ ^ 0x9e3779b97f4a7c15ull;
    h = (h ^ w0) * 0xbf58476d1ce4e5b9ull;
    h ^= h >> 31;
    h = (h ^ w1) * 0xbf58476d1ce4e5b9ull;
    h ^= h >> 31;
    h = (h ^ w2) * 0x94d049bb133111ebull;
    return h ^ (h >> 29);
  }

  // A key not yet tracked; `free_slot` is where its probe ended.
  void insert(const PeerKey& k, std::uint32_t tag, std::size_t home, std::size_t free_slot);
  void bump_sorted(std::size_t e);
  void sort_by_count();
  void erase_slot(std::size_t slot);
  void move_entry(std::size_t from, std::size_t to);

  std::vector<Entry> entries_;        // [0, size_) in use; ascending by count once sorted_
  std::vector<std::uint32_t> counts_; // once sorted_: counts_[i] == entries_[i].count
  std::vector<std::uint32_t> table_;  // 0 = empty, else tag << 16 | (entry index + 1)
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
  std::uint64_t added_ = 0;
  std::uint64_t seed_;
  bool sorted_ = false;               // set by the first eviction
};

// What a census counts about peers.
struct PeerOptions {
  std::size_t top = 5;        // N: how many of each list to report (0: none)
  std::size_t capacity = 0;   // sketch capacity; 0 = default_peer_capacity(top)
  bool time_wait = false;     // also count TCP TIME_WAIT entries separately (the CLI)
  bool unreplied = true;      // also count unreplied entries (IPS_SEEN_REPLY clear) separately
};

// max(4096, 32 * top), at most PeerSketch::kMaxCapacity.
std::size_t default_peer_capacity(std::size_t top);

// One list of top peers, as reported.
struct PeerList {
  std::vector<PeerCount> top;  // at most N, count descending then key ascending
  bool exact = true;           // every count in `top` is exact
  std::uint64_t max_error = 0; // when !exact: no count is more than this too high
  std::uint64_t counted = 0;   // entries counted into this list
};

struct TopPeers {
  std::size_t n = 0;
  std::size_t capacity = 0;
  PeerList sources;       // original-direction source addresses
  PeerList destinations;  // original-direction destination address:port
  std::optional<PeerList> time_wait_sources;       // only with PeerOptions::time_wait
  std::optional<PeerList> time_wait_destinations;
  std::optional<PeerList> unreplied_sources;       // only with PeerOptions::unreplied
  std::optional<PeerList> unreplied_destinations;
};

// The sketches of one census: sources and destinations, with
// PeerOptions::time_wait the same for TCP entries in TIME_WAIT, and with
// PeerOptions::unreplied (the default) the same for unreplied entries. Reused from
// census to census (clear()), so a census allocates nothing for peers.
class PeerTally {
 public:
  PeerTally(const PeerOptions& opt, std::uint64_t seed);

  void clear();
  // One entry; src/dst nullptr when the entry carried no usable address.
  // unreplied: the entry has not seen a reply (IPS_SEEN_REPLY clear).
  void add(const PeerKey* src, const PeerKey* dst, bool time_wait, bool unreplied = false);
  TopPeers top() const;

  const PeerOptions& options() const noexcept { return opt_; }

 private:
  PeerOptions opt_;
  PeerSketch src_;
  PeerSketch dst_;
  std::optional<PeerSketch> tw_src_;
  std::optional<PeerSketch> tw_dst_;
  std::optional<PeerSketch> ur_src_;
  std::optional<PeerSketch> ur_dst_;
};

}  // namespace ctwatch::core
