#include "actors/registry/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace factord::actors {

namespace {

// Refill arithmetic in doubles: a client that waits exactly the Retry-After it was given
// must not be refused by a rounding error in the last bit.
constexpr double slack = 1e-9;

std::uint32_t ceil_seconds(double seconds) {
  if (!(seconds > 0)) return 0;
  double up = std::ceil(seconds - slack);
  return up >= 4e9 ? 4'000'000'000U : static_cast<std::uint32_t>(up);
}

} // namespace

rate_limiter::rate_limiter(std::size_t max_buckets) : max_buckets_(std::max<std::size_t>(1, max_buckets)) {}

rate_limiter::decision rate_limiter::take(const std::string& key, double rate, std::uint32_t burst,
                                          std::uint64_t cost, clock::time_point now) {
  burst = std::max<std::uint32_t>(1, burst);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_buckets_) { // forget the least recently used
      buckets_.erase(recent_.back());
      recent_.pop_back();
    }
    recent_.push_front(key);
    it = buckets_.emplace(key, bucket{static_cast<double>(burst), now, recent_.begin()}).first;
  } else {
    recent_.splice(recent_.begin(), recent_, it->second.recent);
  }
  auto& b = it->second;
  if (now > b.updated) {
    double elapsed = std::chrono::duration<double>(now - b.updated).count();
    b.tokens = std::min(static_cast<double>(burst), b.tokens + elapsed * rate);
    b.updated = now;
  }
  b.tokens = std::min(b.tokens, static_cast<double>(burst)); // a credential's burst may have shrunk

  decision d;
  const auto wanted = static_cast<double>(cost);
  if (cost <= burst && b.tokens + slack >= wanted) {
    b.tokens = std::max(0.0, b.tokens - wanted);
    d.allowed = true;
  } else {
    double short_by = (cost <= burst ? wanted : static_cast<double>(burst)) - b.tokens;
    d.retry_after = std::chrono::seconds{std::max<std::uint32_t>(1, ceil_seconds(short_by / rate))};
  }
  d.state.limit = burst;
  d.state.remaining = static_cast<std::uint32_t>(std::floor(b.tokens + slack));
  d.state.reset_seconds = ceil_seconds((burst - b.tokens) / rate);
  return d;
}

} // namespace factord::actors
