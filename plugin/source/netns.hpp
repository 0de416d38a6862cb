// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// Network-namespace plumbing.
//
// Sockets and /proc/sys files bind to the namespace of the thread that opens
// them, so ctwatch opens a namespace's resources in a short-lived thread that
// setns()es into it and exits: no collectd read thread ever changes namespace
// (setns(CLONE_NEWNET) is per-thread, see setns(2)). The namespace fd itself
// is closed before returning, because an open nsfs fd keeps the namespace
// alive after `ip netns del`.

#include <sys/types.h>

#include <functional>
#include <string>

#include "core/result.hpp"

namespace ctwatch::source {

// Identity of a namespace: the nsfs device and inode its path resolves to.
struct NsId {
  dev_t dev = 0;
  ino_t ino = 0;
  friend bool operator==(const NsId&, const NsId&) = default;
};

// stat() of a namespace path such as /var/run/netns/web or /proc/1/ns/net.
core::Result<NsId> ns_id_of(const std::string& path);

// Runs fn in a new thread that has joined the network namespace at `path`,
// and waits for it. Fills `id` with the namespace entered. Errors name the
// path: ENOENT (no such namespace), EINVAL (not a network namespace), EPERM.
core::Status run_in_netns(const std::string& path, NsId& id, const std::function<void()>& fn);

}  // namespace ctwatch::source
