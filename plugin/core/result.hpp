// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// A minimal Result<T>: GCC 12 / libstdc++ 12 has no std::expected (C++23).
// An error is an errno-style code plus a human message; both are meant to be
// logged verbatim by the adapter ("ctwatch plugin: <message>: <strerror>").

#include <string>
#include <utility>
#include <variant>

namespace ctwatch::core {

struct Error {
  int code = 0;         // errno value, 0 when not an OS error
  std::string message;  // what failed, naming the object (file, namespace, key)
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}            // NOLINT: implicit on purpose
  Result(Error error) : v_(std::move(error)) {}        // NOLINT: implicit on purpose

  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  T& operator*() & { return std::get<0>(v_); }
  const T& operator*() const& { return std::get<0>(v_); }

  const Error& error() const& { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// Result<void> equivalent.
struct Ok {};
using Status = Result<Ok>;

}  // namespace ctwatch::core
