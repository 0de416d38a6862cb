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
  if (c == EPROTONOSUPPORT)
    return "conntrack is not available: this kernel has no nfnetlink (" + msg + ")";
  if (stage == Stage::Open) return msg;
  if (perm)
    return "the kernel refused to show the conntrack table: " + errno_text(c) +
           " (reading it over ctnetlink needs CAP_NET_ADMIN: run ctwatch as root)";
  // nfnetlink answers EOPNOTSUPP or EINVAL for a subsystem that is not
  // registered (nfnetlink_rcv_msg(), net/netfilter/nfnetlink.c).
  if (c == EOPNOTSUPP || c == EINVAL || c == ENOENT)
    return "conntrack is not loaded: ctnetlink does not answer (" + msg +
           "); load it with `modprobe nf_conntrack_netlink`";
  return msg;
}

}  // namespace ctwatch::cli
