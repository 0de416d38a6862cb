// SPDX-License-Identifier: GPL-2.0-only
#include "source/log.hpp"

#include <cstring>

namespace ctwatch::source {

std::string with_errno(const std::string& message, int code) {
  if (code == 0) return message;
  char buf[128];
  // GNU strerror_r returns the message pointer (glibc, _GNU_SOURCE).
  const char* s = strerror_r(code, buf, sizeof buf);
  return message + ": " + s;
}

}  // namespace ctwatch::source
