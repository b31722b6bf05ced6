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
#include <gmpxx.h>

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

// A stop_token polled every `stride` calls: for loops whose steps cost more than
// should_stop_sometimes' fixed 64 allows (each step a few products mod a big n).
class strided_stop {
public:
  strided_stop(stop_token& stop, std::uint32_t stride) : stop_(stop), stride_(stride) {}
  bool should_stop() {
    if (stop_.reason() != errc::ok) return true;
    if (++calls_ < stride_) return false;
    calls_ = 0;
    return stop_.should_stop();
  }

private:
  stop_token& stop_;
  std::uint32_t stride_;
  std::uint32_t calls_ = 0;
};

// Steps between real checks for a loop whose step is a few products mod n: one step
// costs ~0.2 us at 2 words and grows ~limbs^1.6 (4-5 ms at 100,000 digits), so this polls
// every ~10-40 us of work below 600 digits and every step above. A real check (the hook
// and the clock, ~40 ns) stays under ~1% of the work at every size.
std::uint32_t steps_per_poll(const mpz_class& n);

} // namespace factord::factor
