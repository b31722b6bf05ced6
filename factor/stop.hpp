// Cooperative stopping for long factor computations.
//
// A stop_token joins the caller's stop hook (cancellation, e.g. a job was deleted) and a
// compute deadline (the job budget). Hot loops call `should_stop()` every few thousand
// iterations: it is cheap (a counter; the hook and the clock are consulted at most once
// per `check_interval` calls) and sticky (once true, it stays true).
#pragma once

#include "factor/errc.hpp"

#include <chrono>
#include <cstdint>
#include <functional>

namespace factord::factor {

class stop_token {
public:
  using clock = std::chrono::steady_clock;

  // Never stops.
  stop_token() = default;

  // `hook` returns true when the computation should be abandoned (may be empty);
  // `budget` <= 0 means unlimited.
  stop_token(std::function<bool()> hook, std::chrono::nanoseconds budget);

  // True once the hook fired or the deadline passed. Checks for real on every call;
  // use it at coarse points (between curves, between sieve blocks).
  bool should_stop();

  // Same, but only really checks every `check_interval` calls; for tight loops.
  bool should_stop_sometimes() {
    if (stopped_ != errc::ok) return true;
    if (++calls_ < check_interval) return false;
    calls_ = 0;
    return should_stop();
  }

  // errc::cancelled, errc::budget_exceeded, or errc::ok while still running.
  errc reason() const noexcept { return stopped_; }

  static constexpr std::uint32_t check_interval = 64;

private:
  std::function<bool()> hook_;
  clock::time_point deadline_ = clock::time_point::max();
  errc stopped_ = errc::ok;
  std::uint32_t calls_ = 0;
};

} // namespace factord::factor
