// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// Bounds-checked, allocation-free views over netlink messages and attributes.
//
// Every length is checked before a read (an attribute whose nla_len points past
// the buffer ends the walk as malformed), integers are memcpy'd (netlink gives
// no alignment guarantee to the payload we slice), and unknown attribute types
// are simply skipped by callers. Nothing here allocates, so the census hot path
// (one message per conntrack entry) stays cheap.
//
// Layouts: include/uapi/linux/netlink.h (nlmsghdr, nlattr, NLA_ALIGN) and
// include/uapi/linux/netfilter/nfnetlink.h (nfgenmsg).

#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>

namespace ctwatch::core {

using Bytes = std::span<const std::byte>;

// One netlink attribute: its type with NLA_F_NESTED / NLA_F_NET_BYTEORDER
// masked off, and its payload (nla_len - NLA_HDRLEN bytes).
struct Attr {
  std::uint16_t type;
  Bytes payload;
};

// Calls f(Attr) for each attribute in buf. Returns false when the buffer is
// malformed (nla_len < NLA_HDRLEN or past the end); attributes before the bad
// one have been visited. Trailing bytes shorter than an attribute header are
// alignment padding and are ignored.
template <class F>
inline bool for_each_attr(Bytes buf, F&& f) {
  std::size_t off = 0;
  while (buf.size() - off >= NLA_HDRLEN) {
    nlattr hdr;
    std::memcpy(&hdr, buf.data() + off, sizeof hdr);
    if (hdr.nla_len < NLA_HDRLEN || hdr.nla_len > buf.size() - off) return false;
    f(Attr{static_cast<std::uint16_t>(hdr.nla_type & NLA_TYPE_MASK),
           buf.subspan(off + NLA_HDRLEN, hdr.nla_len - NLA_HDRLEN)});
    const std::size_t step = NLA_ALIGN(hdr.nla_len);
    if (step >= buf.size() - off) break;
    off += step;
  }
  return true;
}

// The payload of the first attribute of `type` in buf, stopping there: the
// attributes after it are neither read nor checked (the enclosing length was
// checked, so nothing past it is ever touched). nullopt when absent. Clears
// `ok` when a length lies before it is found. The census uses it for
// attributes that come first in their nest (CTA_PROTO_NUM,
// CTA_PROTOINFO_TCP_STATE), saving the walk over the rest.
inline std::optional<Bytes> find_attr(Bytes buf, std::uint16_t type, bool& ok) {
  std::size_t off = 0;
  while (buf.size() - off >= NLA_HDRLEN) {
    nlattr hdr;
    std::memcpy(&hdr, buf.data() + off, sizeof hdr);
    if (hdr.nla_len < NLA_HDRLEN || hdr.nla_len > buf.size() - off) {
      ok = false;
      return std::nullopt;
    }
    if ((hdr.nla_type & NLA_TYPE_MASK) == type) return buf.subspan(off + NLA_HDRLEN, hdr.nla_len - NLA_HDRLEN);
    const std::size_t step = NLA_ALIGN(hdr.nla_len);
    if (step >= buf.size() - off) break;
    off += step;
  }
  return std::nullopt;
}

// Fixed-size attribute payloads. A payload of the wrong size is treated as
// absent: a future kernel widening a field must not be read as garbage.
inline std::optional<std::uint8_t> attr_u8(Bytes p) {
  if (p.size() != 1) return std::nullopt;
  return static_cast<std::uint8_t>(p[0]);
}

// ctnetlink sends its counters and ports in network byte order
// (nla_put_be32 / nla_put_be16 in net/netfilter/nf_conntrack_netlink.c).
inline std::optional<std::uint32_t> attr_be32(Bytes p) {
  if (p.size() != 4) return std::nullopt;
  std::uint32_t v;
  std::memcpy(&v, p.data(), 4);
  return __builtin_bswap32(v);
}

inline std::optional<std::uint16_t> attr_be16(Bytes p) {
  if (p.size() != 2) return std::nullopt;
  std::uint16_t v;
  std::memcpy(&v, p.data(), 2);
  return __builtin_bswap16(v);
}

// One netlink message as found in a received datagram.
struct Message {
  std::uint16_t type;
  std::uint16_t flags;
  std::uint32_t seq;
  std::uint32_t pid;
  Bytes payload;  // everything after the nlmsghdr (nlmsg_len - NLMSG_HDRLEN)
};

// The nfnetlink header (struct nfgenmsg) and the attributes after it.
struct NfMessage {
  std::uint8_t family;
  std::uint16_t res_id;  // host order; GET_STATS_CPU puts the CPU number here
  Bytes attrs;
};

std::optional<NfMessage> split_nfgenmsg(Bytes payload);

// How a datagram ended.
enum class WalkStatus {
  More,       // no terminator seen: keep receiving
  Done,       // NLMSG_DONE, or an ACK (NLMSG_ERROR with error 0)
  Error,      // NLMSG_ERROR with a negative errno: see WalkResult::error
  Malformed,  // a length field lies; the rest of the datagram is unusable
};

struct WalkResult {
  WalkStatus status = WalkStatus::More;
  int error = 0;           // positive errno when status == Error
  bool dump_intr = false;  // NLM_F_DUMP_INTR was set on some message
};

// The per-message callback of walk_messages.
using MessageFn = void (*)(void* ctx, const Message& msg);

// Walks the messages of one received datagram. Messages whose seq or portid
// do not match the request (late answers to an abandoned request) are
// skipped, as mnl_cb_run would reject them. seq == 0 / portid == 0 disable
// the respective check (used when replaying captured bytes).
WalkResult walk_messages(Bytes datagram, std::uint32_t seq, std::uint32_t portid,
                         MessageFn fn, void* ctx);

template <class F>
WalkResult walk_messages(Bytes datagram, std::uint32_t seq, std::uint32_t portid, F& f) {
  return walk_messages(
      datagram, seq, portid,
      [](void* c, const Message& m) { (*static_cast<F*>(c))(m); }, &f);
}

// Bytes of a request: nlmsghdr + nfgenmsg for a ctnetlink message type
// (IPCTNL_MSG_CT_GET, IPCTNL_MSG_CT_GET_STATS, IPCTNL_MSG_CT_GET_STATS_CPU),
// AF_UNSPEC, NFNETLINK_V0. Only these GET types can be built: the plugin
// never creates, changes or deletes conntrack entries.
enum class Request : std::uint8_t { Stats, StatsCpu, Dump };
inline constexpr std::size_t kRequestSize = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(nfgenmsg));
void build_request(Request r, std::uint32_t seq, std::span<std::byte, kRequestSize> out);

}  // namespace ctwatch::core
