// SPDX-License-Identifier: GPL-2.0-only
#include "core/netlink.hpp"

#include <linux/netfilter/nfnetlink_conntrack.h>

#include <cerrno>
#include <sys/socket.h>

namespace ctwatch::core {

std::optional<NfMessage> split_nfgenmsg(Bytes payload) {
  constexpr std::size_t kLen = NLMSG_ALIGN(sizeof(nfgenmsg));
  if (payload.size() < sizeof(nfgenmsg)) return std::nullopt;
  nfgenmsg g;
  std::memcpy(&g, payload.data(), sizeof g);
  // res_id is __be16 (include/uapi/linux/netfilter/nfnetlink.h).
  return NfMessage{g.nfgen_family, __builtin_bswap16(g.res_id),
                   payload.size() >= kLen ? payload.subspan(kLen) : Bytes{}};
}

WalkResult walk_messages(Bytes dg, std::uint32_t seq, std::uint32_t portid, MessageFn fn,
                         void* ctx) {
  WalkResult res;
  std::size_t off = 0;
  while (dg.size() - off >= NLMSG_HDRLEN) {
    nlmsghdr h;
    std::memcpy(&h, dg.data() + off, sizeof h);
    if (h.nlmsg_len < NLMSG_HDRLEN || h.nlmsg_len > dg.size() - off) {
      res.status = WalkStatus::Malformed;
      return res;
    }
    const Bytes payload = dg.subspan(off + NLMSG_HDRLEN, h.nlmsg_len - NLMSG_HDRLEN);
    const std::size_t step = NLMSG_ALIGN(h.nlmsg_len);
    off = step >= dg.size() - off ? dg.size() : off + step;

    if ((seq != 0 && h.nlmsg_seq != seq) || (portid != 0 && h.nlmsg_pid != portid)) continue;
    // Conntrack dumps never set NLM_F_DUMP_INTR today (no genid check in
    // ctnetlink_dump_table), but honour it should a kernel start to.
    if (h.nlmsg_flags & NLM_F_DUMP_INTR) res.dump_intr = true;

    if (h.nlmsg_type == NLMSG_NOOP) continue;
    if (h.nlmsg_type == NLMSG_DONE) {
      res.status = WalkStatus::Done;
      return res;
    }
    if (h.nlmsg_type == NLMSG_ERROR) {
      nlmsgerr e;
      if (payload.size() < sizeof e.error) {
        res.status = WalkStatus::Malformed;
        return res;
      }
      std::memcpy(&e.error, payload.data(), sizeof e.error);
      if (e.error == 0) {
        res.status = WalkStatus::Done;  // the ACK that ends a non-dump request
      } else {
        res.status = WalkStatus::Error;
        // The kernel sends -errno; anything outside 1..4095 is not an errno
        // (and -INT_MIN would overflow), found by tests/fuzz.
        const long long err = -static_cast<long long>(e.error);
        res.error = err > 0 && err < 4096 ? static_cast<int>(err) : EPROTO;
      }
      return res;
    }
    fn(ctx, Message{h.nlmsg_type, h.nlmsg_flags, h.nlmsg_seq, h.nlmsg_pid, payload});
  }
  return res;
}

void build_request(Request r, std::uint32_t seq, std::span<std::byte, kRequestSize> out) {
  std::uint16_t msg = IPCTNL_MSG_CT_GET;
  std::uint16_t flags = NLM_F_REQUEST;
  switch (r) {
    case Request::Stats:
      // Not a dump: ask for an ACK so the reply is terminated like a dump's.
      msg = IPCTNL_MSG_CT_GET_STATS;
      flags |= NLM_F_ACK;
      break;
    case Request::StatsCpu:
      msg = IPCTNL_MSG_CT_GET_STATS_CPU;
      flags |= NLM_F_DUMP;
      break;
    case Request::Dump:
      msg = IPCTNL_MSG_CT_GET;
      flags |= NLM_F_DUMP;
      break;
  }
  nlmsghdr h{};
  h.nlmsg_len = static_cast<std::uint32_t>(kRequestSize);
  h.nlmsg_type = static_cast<std::uint16_t>((NFNL_SUBSYS_CTNETLINK << 8) | msg);
  h.nlmsg_flags = flags;
  h.nlmsg_seq = seq;
  h.nlmsg_pid = 0;  // to the kernel
  nfgenmsg g{};
  g.nfgen_family = AF_UNSPEC;  // both IPv4 and IPv6
  g.version = NFNETLINK_V0;
  g.res_id = 0;
  std::memset(out.data(), 0, out.size());
  std::memcpy(out.data(), &h, sizeof h);
  std::memcpy(out.data() + NLMSG_HDRLEN, &g, sizeof g);
}

}  // namespace ctwatch::core
