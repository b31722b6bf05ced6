// The one way factord's functions say "this, or why not": result<T, Errc> holds a value or
// a failure (a module's error code plus a message for a person that says what to do).
// Each module has its own `enum class errc`; each edge maps codes in exactly one place:
// HTTP and WebSocket in net/errors.cpp, process exit codes in config/exit_codes.hpp.
// Header-only and free of other project headers, so every module can use it. (factor/ keeps
// its own result structs of the same shape, errc + message, to stay GMP-only.)
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace factord {

template <class Errc>
struct failure {
  Errc code;
  std::string message;
};

template <class Errc>
failure<Errc> fail(Errc code, std::string message) {
  return {code, std::move(message)};
}

template <class T, class Errc>
class [[nodiscard]] result {
public:
  result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  result(failure<Errc> f) : state_(std::in_place_index<1>, std::move(f)) {}

  bool ok() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  // Only when !ok().
  const failure<Errc>& error() const { return std::get<1>(state_); }
  Errc code() const { return error().code; }
  const std::string& message() const { return error().message; }

private:
  std::variant<T, failure<Errc>> state_;
};

// Success carries nothing: result<void, Errc>{} is ok.
template <class Errc>
class [[nodiscard]] result<void, Errc> {
public:
  result() = default;
  result(failure<Errc> f) : failure_(std::move(f)) {}

  bool ok() const noexcept { return !failure_.has_value(); }
  explicit operator bool() const noexcept { return ok(); }

  const failure<Errc>& error() const { return *failure_; }
  Errc code() const { return failure_->code; }
  const std::string& message() const { return failure_->message; }

private:
  std::optional<failure<Errc>> failure_;
};

} // namespace factord
