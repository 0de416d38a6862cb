// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// A tiny netlink message builder for edge-case tests: it writes what the
// kernel would (nlmsghdr, nfgenmsg, nested attributes) and lets a test break
// any length on purpose.

#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace ctwatch::test {

using Buf = std::vector<std::byte>;

inline void put(Buf& b, const void* p, std::size_t n) {
  const auto* c = static_cast<const std::byte*>(p);
  b.insert(b.end(), c, c + n);
}
inline void pad(Buf& b) {
  while (b.size() % 4) b.push_back(std::byte{0});
}

inline Buf attr(std::uint16_t type, const Buf& payload, bool nested = false) {
  Buf b;
  nlattr h{static_cast<std::uint16_t>(NLA_HDRLEN + payload.size()),
           static_cast<std::uint16_t>(type | (nested ? NLA_F_NESTED : 0))};
  put(b, &h, sizeof h);
  b.insert(b.end(), payload.begin(), payload.end());
  pad(b);
  return b;
}
inline Buf attr_u8(std::uint16_t type, std::uint8_t v) { return attr(type, Buf{std::byte{v}}); }
inline Buf attr_be32(std::uint16_t type, std::uint32_t v) {
  Buf p;
  const std::uint32_t be = __builtin_bswap32(v);
  put(p, &be, 4);
  return attr(type, p);
}
inline Buf nest(std::uint16_t type, std::initializer_list<Buf> children) {
  Buf p;
  for (const auto& c : children) p.insert(p.end(), c.begin(), c.end());
  return attr(type, p, true);
}

// nlmsghdr + nfgenmsg + attrs.
inline Buf nfmsg(std::uint16_t type, std::uint16_t flags, std::uint32_t seq, std::uint16_t res_id,
                 std::initializer_list<Buf> attrs, std::uint8_t family = 0) {
  Buf body;
  nfgenmsg g{family, NFNETLINK_V0, __builtin_bswap16(res_id)};
  put(body, &g, sizeof g);
  for (const auto& a : attrs) body.insert(body.end(), a.begin(), a.end());
  Buf b;
  nlmsghdr h{static_cast<std::uint32_t>(NLMSG_HDRLEN + body.size()), type, flags, seq, 0};
  put(b, &h, sizeof h);
  b.insert(b.end(), body.begin(), body.end());
  pad(b);
  return b;
}

inline Buf done(std::uint32_t seq) {
  Buf b;
  nlmsghdr h{NLMSG_HDRLEN + 4, NLMSG_DONE, NLM_F_MULTI, seq, 0};
  put(b, &h, sizeof h);
  const std::int32_t zero = 0;
  put(b, &zero, 4);
  return b;
}

inline Buf error(std::uint32_t seq, int err) {
  Buf b;
  nlmsghdr h{static_cast<std::uint32_t>(NLMSG_HDRLEN + sizeof(nlmsgerr)), NLMSG_ERROR, 0, seq, 0};
  put(b, &h, sizeof h);
  nlmsgerr e{};
  e.error = err;
  put(b, &e, sizeof e);
  return b;
}

inline Buf cat(std::initializer_list<Buf> parts) {
  Buf b;
  for (const auto& p : parts) b.insert(b.end(), p.begin(), p.end());
  return b;
}

inline std::string data_dir() { return CTWATCH_TEST_DATA_DIR; }

inline Buf read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::vector<char> c((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  Buf b(c.size());
  if (!c.empty()) std::memcpy(b.data(), c.data(), c.size());
  return b;
}

inline std::string read_text(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

}  // namespace ctwatch::test
