// SPDX-License-Identifier: GPL-2.0-only
#include "source/netns.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <exception>
#include <thread>

namespace ctwatch::source {

core::Result<NsId> ns_id_of(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) < 0) return core::Error{errno, "cannot stat namespace " + path};
  return NsId{st.st_dev, st.st_ino};
}

core::Status run_in_netns(const std::string& path, NsId& id, const std::function<void()>& fn) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return core::Error{errno, "cannot enter namespace " + path};
  struct stat st {};
  if (fstat(fd, &st) < 0) {
    const int e = errno;
    close(fd);
    return core::Error{e, "cannot stat namespace " + path};
  }
  id = NsId{st.st_dev, st.st_ino};

  int err = 0;
  std::exception_ptr ex;
  try {
    std::thread t([&] {
      if (setns(fd, CLONE_NEWNET) < 0) {
        err = errno;
        return;
      }
      try {
        fn();
      } catch (...) {
        ex = std::current_exception();
      }
    });
    t.join();
  } catch (const std::system_error& e) {
    close(fd);
    return core::Error{e.code().value(), "cannot start a thread to enter namespace " + path};
  }
  close(fd);
  if (ex) std::rethrow_exception(ex);
  if (err == EINVAL) return core::Error{err, path + " is not a network namespace"};
  if (err) return core::Error{err, "cannot enter namespace " + path};
  return core::Ok{};
}

}  // namespace ctwatch::source
