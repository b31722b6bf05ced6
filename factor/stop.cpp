#include "factor/stop.hpp"

#include <algorithm>
#include <utility>

namespace factord::factor {

stop_token::stop_token(std::function<bool()> hook, std::chrono::nanoseconds budget) : hook_(std::move(hook)) {
  if (budget.count() > 0) {
    auto now = clock::now();
    // Saturate instead of overflowing for absurd budgets.
    if (budget < clock::time_point::max() - now)
      deadline_ = now + std::chrono::duration_cast<clock::duration>(budget);
  }
}

bool stop_token::should_stop() {
  if (stopped_ != errc::ok) return true;
  if (hook_ && hook_()) {
    stopped_ = errc::cancelled;
    return true;
  }
  if (deadline_ != clock::time_point::max() && clock::now() >= deadline_) {
    stopped_ = errc::budget_exceeded;
    return true;
  }
  return false;
}

std::uint32_t steps_per_poll(const mpz_class& n) {
  const std::size_t limbs = std::max<std::size_t>(1, mpz_size(n.get_mpz_t()));
  return limbs >= 32 ? 1 : static_cast<std::uint32_t>(1024 / (limbs * limbs));
}

} // namespace factord::factor
