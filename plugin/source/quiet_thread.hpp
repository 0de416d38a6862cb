// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// start_quiet_thread: a std::thread of ctwatch's own inside the host daemon.
//
// A new thread inherits its creator's signal mask. collectd (like Netdata's
// plugins) expects its signals (SIGTERM, SIGINT, SIGUSR1 to flush, ...) on its
// own threads: collectd.c installs handlers and relies on any thread that has
// them unblocked. So every signal is blocked while the thread is created, and
// the creator's mask is restored whether or not creation succeeds.

#include <pthread.h>
#include <signal.h>

#include <thread>
#include <utility>

namespace ctwatch::source {

template <typename F>
std::thread start_quiet_thread(F&& body) {
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  try {
    std::thread t(std::forward<F>(body));
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    return t;
  } catch (...) {
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    throw;
  }
}

}  // namespace ctwatch::source
