// rate_limiter: the token buckets of --rate-per-caller, one per rate key (a caller id with
// --auth on, a client IP without). A bucket holds at most `burst` tokens and gains `rate`
// a second; a submission of N numbers takes N tokens, all or none. Time is an argument, so
// tests step it explicitly.
//
// Bounded: at most max_buckets keys (config::limits::max_rate_buckets); beyond, the least
// recently used bucket is forgotten (it would come back full). Single-threaded: owned by
// the job_book of one actor.
#pragma once

#include "actors/protocol/api.hpp"
#include "config/limits.hpp"

#include <chrono>
#include <cstdint>
#include <list>
#include <string>
#include <unordered_map>

namespace factord::actors {

class rate_limiter {
public:
  using clock = std::chrono::steady_clock;

  struct decision {
    bool allowed = false;
    rate_state state;                   // the bucket afterwards, for X-RateLimit-* headers
    std::chrono::seconds retry_after{}; // refused: until `cost` tokens are there (>= 1 s)
  };

  explicit rate_limiter(std::size_t max_buckets = config::limits::max_rate_buckets);

  // Takes `cost` tokens from `key`'s bucket at `now`, or none if it has fewer. `rate` > 0
  // tokens a second, `burst` >= 1 the most it holds; a new key starts full. A cost above
  // the burst is never allowed (retry_after is then the time until the bucket is full).
  decision take(const std::string& key, double rate, std::uint32_t burst, std::uint64_t cost,
                clock::time_point now);

  std::size_t size() const noexcept { return buckets_.size(); }

private:
  struct bucket {
    double tokens = 0;
    clock::time_point updated;
    std::list<std::string>::iterator recent; // its place in recent_
  };

  std::size_t max_buckets_;
  std::unordered_map<std::string, bucket> buckets_;
  std::list<std::string> recent_; // keys, most recently used first
};

} // namespace factord::actors
