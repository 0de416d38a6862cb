// SPDX-License-Identifier: GPL-2.0-only
#include "cli/explain.hpp"

#include <cerrno>
#include <cstring>

#include "source/log.hpp"

namespace ctwatch::cli {
namespace {

std::string errno_text(int code) {
  char buf[128];
  // GNU strerror_r returns the message pointer (glibc, _GNU_SOURCE).
  return strerror_r(code, buf, sizeof buf);
}

}  // namespace

std::string explain(const core::Error& e, Stage stage, const std::string& netns_path) {
  const int c = e.code;
  std::string msg = source::with_errno(e.message, c);
  const bool perm = c == EPERM || c == EACCES;
  if (stage == Stage::Open && perm && !netns_path.empty())
    return msg + " (entering another network namespace needs root: CAP_SYS_ADMIN)";
  if (c == EPROTONOSUPPORT) return "conntrack is not available: this kernel has no nfnetlink (" + msg + ")";
  if (stage == Stage::Open) return msg;
  if (perm)
    return "the kernel refused to show the conntrack table: " + errno_text(c) +
           " (reading it over ctnetlink needs the capability CAP_NET_ADMIN)";
  // nfnetlink answers EOPNOTSUPP or EINVAL for a subsystem that is not
  // registered (nfnetlink_rcv_msg(), net/netfilter/nfnetlink.c).
  if (c == EOPNOTSUPP || c == EINVAL || c == ENOENT)
    return "conntrack is not loaded: ctnetlink does not answer (" + msg +
           "); load it with `modprobe nf_conntrack_netlink`";
  return msg;
}

std::string limited_explanation(const core::Error& refused) {
  const int c = refused.code;
  const std::string shown = "the count, max, fill, counters and tuning come from /proc";
  const std::string census = "the census (TCP states, protocols, status, top peers)";
  if (c == EPERM || c == EACCES)
    return "without CAP_NET_ADMIN (ctnetlink: " + errno_text(c) + "): " + shown + "; " + census +
           " needs CAP_NET_ADMIN.";
  return "ctnetlink does not answer (" + source::with_errno(refused.message, c) + "): " + shown + "; " + census +
         " needs nf_conntrack_netlink (`modprobe nf_conntrack_netlink`).";
}

std::string limited_short(const core::Error& refused) {
  if (refused.code == EPERM || refused.code == EACCES)
    return "/proc only: TCP states and top peers need CAP_NET_ADMIN";
  return "/proc only: ctnetlink does not answer (modprobe nf_conntrack_netlink)";
}

}  // namespace ctwatch::cli
