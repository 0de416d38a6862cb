// SPDX-License-Identifier: GPL-2.0-only
// LD_PRELOAD shim for fault-injection tests: sees every message a process
// sends on NETLINK_NETFILTER sockets.
//   CTWATCH_SPY_LOG=FILE     append "<nlmsg_type hex> <nlmsg_flags hex> <CLOCK_MONOTONIC s>" per message
//   CTWATCH_SPY_BLACKHOLE=1  pretend to send, so the kernel never answers
//   CTWATCH_SPY_BLACKHOLE_DUMPS=FILE  while FILE exists, pretend to send the
//                            table dumps only (IPCTNL_MSG_CT_GET with
//                            NLM_F_DUMP): censuses time out, stats still work;
//                            a test switches the fault on and off at run time
//   CTWATCH_SPY_RECV_LOG=FILE  append "<return value> <CLOCK_MONOTONIC s>" when a
//                            receive on such a socket returns (-1: timed out or
//                            failed), so a test can time a read from its first
//                            request to its last receive
// It only observes (or drops) what ctwatch sends; it never sends anything.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int is_nfnetlink(int fd) {
  int domain = 0, proto = 0;
  socklen_t l = sizeof domain;
  if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &l) != 0 || domain != AF_NETLINK) return 0;
  l = sizeof proto;
  return getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &l) == 0 && proto == NETLINK_NETFILTER;
}

// Opens the log named by $env for appending (-1 when unset or unopenable)
// and reads the clock.
static int open_log(const char* env, struct timespec* ts) {
  const char* path = getenv(env);
  if (!path) return -1;
  clock_gettime(CLOCK_MONOTONIC, ts);
  return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
}

static void record(const void* buf, size_t len) {
  struct timespec ts;
  int fd = open_log("CTWATCH_SPY_LOG", &ts);
  if (fd < 0) return;
  size_t off = 0;
  while (len - off >= sizeof(struct nlmsghdr)) {
    struct nlmsghdr h;
    memcpy(&h, (const char*)buf + off, sizeof h);
    char line[96];
    int n = snprintf(line, sizeof line, "%04x %04x %ld.%06ld\n", h.nlmsg_type, h.nlmsg_flags, (long)ts.tv_sec,
                     ts.tv_nsec / 1000);
    if (write(fd, line, (size_t)n) < 0) break;
    if (h.nlmsg_len < sizeof h) break;
    off += NLMSG_ALIGN(h.nlmsg_len);
  }
  close(fd);
}

static void record_recv(ssize_t ret) {
  struct timespec ts;
  int fd = open_log("CTWATCH_SPY_RECV_LOG", &ts);
  if (fd < 0) return;
  char line[64];
  int n = snprintf(line, sizeof line, "%ld %ld.%06ld\n", (long)ret, (long)ts.tv_sec, ts.tv_nsec / 1000);
  if (write(fd, line, (size_t)n) < 0) {
    // Nothing to do: the test sees a missing line.
  }
  close(fd);
}

// Whether to swallow the request that starts at buf.
static int blackhole(const void* buf, size_t len) {
  const char* b = getenv("CTWATCH_SPY_BLACKHOLE");
  if (b && strcmp(b, "1") == 0) return 1;
  const char* dumps = getenv("CTWATCH_SPY_BLACKHOLE_DUMPS");
  if (!dumps || len < sizeof(struct nlmsghdr)) return 0;
  struct nlmsghdr h;
  memcpy(&h, buf, sizeof h);
  // (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_GET
  return h.nlmsg_type == 0x0101 && (h.nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP && access(dumps, F_OK) == 0;
}

ssize_t sendto(int fd, const void* buf, size_t len, int flags, const struct sockaddr* to, socklen_t tolen) {
  static ssize_t (*real)(int, const void*, size_t, int, const struct sockaddr*, socklen_t);
  if (!real) real = dlsym(RTLD_NEXT, "sendto");
  if (is_nfnetlink(fd)) {
    record(buf, len);
    if (blackhole(buf, len)) return (ssize_t)len;
  }
  return real(fd, buf, len, flags, to, tolen);
}

ssize_t sendmsg(int fd, const struct msghdr* msg, int flags) {
  static ssize_t (*real)(int, const struct msghdr*, int);
  if (!real) real = dlsym(RTLD_NEXT, "sendmsg");
  if (is_nfnetlink(fd)) {
    size_t total = 0;
    for (size_t i = 0; i < msg->msg_iovlen; ++i) {
      record(msg->msg_iov[i].iov_base, msg->msg_iov[i].iov_len);
      total += msg->msg_iov[i].iov_len;
    }
    if (msg->msg_iovlen && blackhole(msg->msg_iov[0].iov_base, msg->msg_iov[0].iov_len)) return (ssize_t)total;
  }
  return real(fd, msg, flags);
}

ssize_t send(int fd, const void* buf, size_t len, int flags) {
  static ssize_t (*real)(int, const void*, size_t, int);
  if (!real) real = dlsym(RTLD_NEXT, "send");
  if (is_nfnetlink(fd)) {
    record(buf, len);
    if (blackhole(buf, len)) return (ssize_t)len;
  }
  return real(fd, buf, len, flags);
}

// libmnl receives with recvmsg (mnl_socket_recvfrom); recvfrom and recv are
// covered too so that no receive path goes unseen. errno is kept for the caller.
ssize_t recvmsg(int fd, struct msghdr* msg, int flags) {
  static ssize_t (*real)(int, struct msghdr*, int);
  if (!real) real = dlsym(RTLD_NEXT, "recvmsg");
  ssize_t r = real(fd, msg, flags);
  int saved = errno;
  if (is_nfnetlink(fd)) record_recv(r);
  errno = saved;
  return r;
}

ssize_t recvfrom(int fd, void* buf, size_t len, int flags, struct sockaddr* from, socklen_t* fromlen) {
  static ssize_t (*real)(int, void*, size_t, int, struct sockaddr*, socklen_t*);
  if (!real) real = dlsym(RTLD_NEXT, "recvfrom");
  ssize_t r = real(fd, buf, len, flags, from, fromlen);
  int saved = errno;
  if (is_nfnetlink(fd)) record_recv(r);
  errno = saved;
  return r;
}

ssize_t recv(int fd, void* buf, size_t len, int flags) {
  static ssize_t (*real)(int, void*, size_t, int);
  if (!real) real = dlsym(RTLD_NEXT, "recv");
  ssize_t r = real(fd, buf, len, flags);
  int saved = errno;
  if (is_nfnetlink(fd)) record_recv(r);
  errno = saved;
  return r;
}
