// The token buckets of --rate-per-caller alone, with explicit time: no clock is read.
#include "actors/registry/rate_limiter.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <string>

using factord::actors::rate_limiter;
using namespace std::chrono_literals;

namespace {

const rate_limiter::clock::time_point t0{std::chrono::hours{1}};

} // namespace

TEST_CASE("a new bucket starts full and allows exactly its burst", "[registry][rate]") {
  rate_limiter r;
  for (int i = 0; i < 5; ++i) {
    auto d = r.take("alice", 1.0, 5, 1, t0);
    REQUIRE(d.allowed);
    CHECK(d.state.limit == 5U);
    CHECK(d.state.remaining == static_cast<unsigned>(4 - i));
  }
  auto refused = r.take("alice", 1.0, 5, 1, t0);
  CHECK_FALSE(refused.allowed);
  CHECK(refused.retry_after == 1s);
  CHECK(refused.state.remaining == 0U);
  CHECK(refused.state.reset_seconds == 5U); // 5 tokens at 1/s
}

TEST_CASE("Retry-After is exact: refused just before, allowed at it", "[registry][rate]") {
  rate_limiter r;
  // 0.5 tokens/s, burst 2: two now, then one token every 2 s.
  REQUIRE(r.take("k", 0.5, 2, 1, t0).allowed);
  REQUIRE(r.take("k", 0.5, 2, 1, t0).allowed);
  auto refused = r.take("k", 0.5, 2, 1, t0);
  REQUIRE_FALSE(refused.allowed);
  CHECK(refused.retry_after == 2s);
  CHECK_FALSE(r.take("k", 0.5, 2, 1, t0 + 1999ms).allowed);
  CHECK(r.take("k", 0.5, 2, 1, t0 + 2s).allowed);
  // A fraction of a second left is rounded up, never down to 0.
  auto again = r.take("k", 0.5, 2, 1, t0 + 2s + 1500ms);
  REQUIRE_FALSE(again.allowed);
  CHECK(again.retry_after == 1s);
}

TEST_CASE("refill is proportional to time and stops at the burst", "[registry][rate]") {
  rate_limiter r;
  for (int i = 0; i < 10; ++i) REQUIRE(r.take("k", 10.0, 10, 1, t0).allowed);
  CHECK_FALSE(r.take("k", 10.0, 10, 1, t0).allowed);
  auto d = r.take("k", 10.0, 10, 3, t0 + 300ms); // 3 tokens came back
  REQUIRE(d.allowed);
  CHECK(d.state.remaining == 0U);
  // A long pause refills to the burst, not beyond.
  auto after = r.take("k", 10.0, 10, 1, t0 + 1h);
  REQUIRE(after.allowed);
  CHECK(after.state.remaining == 9U);
  CHECK(after.state.reset_seconds == 1U);
}

TEST_CASE("a batch of N costs N, all or none", "[registry][rate]") {
  rate_limiter r;
  REQUIRE(r.take("k", 1.0, 10, 7, t0).allowed);
  auto refused = r.take("k", 1.0, 10, 4, t0); // 3 left: none taken
  REQUIRE_FALSE(refused.allowed);
  CHECK(refused.retry_after == 1s); // one more token
  CHECK(refused.state.remaining == 3U);
  CHECK(r.take("k", 1.0, 10, 3, t0).allowed);
  CHECK_FALSE(r.take("k", 1.0, 10, 1, t0).allowed);
  auto wait = r.take("k", 1.0, 10, 4, t0);
  CHECK(wait.retry_after == 4s);
}

TEST_CASE("a batch larger than the burst is never allowed", "[registry][rate]") {
  rate_limiter r;
  auto d = r.take("k", 100.0, 5, 6, t0);
  CHECK_FALSE(d.allowed);
  CHECK(d.retry_after >= 1s);
  CHECK_FALSE(r.take("k", 100.0, 5, 6, t0 + 1h).allowed);
  CHECK(r.take("k", 100.0, 5, 5, t0 + 1h).allowed); // nothing was taken meanwhile
}

TEST_CASE("buckets are per key", "[registry][rate]") {
  rate_limiter r;
  REQUIRE(r.take("ip:10.0.0.1", 1.0, 1, 1, t0).allowed);
  CHECK_FALSE(r.take("ip:10.0.0.1", 1.0, 1, 1, t0).allowed);
  CHECK(r.take("ip:10.0.0.2", 1.0, 1, 1, t0).allowed);
  CHECK(r.take("caller:ip:10.0.0.1", 1.0, 1, 1, t0).allowed);
}

TEST_CASE("a smaller burst on the next call caps the bucket at once", "[registry][rate]") {
  rate_limiter r;
  REQUIRE(r.take("k", 1.0, 100, 1, t0).allowed); // 99 left
  auto d = r.take("k", 1.0, 2, 1, t0);           // the credential now says burst 2
  REQUIRE(d.allowed);
  CHECK(d.state.remaining == 1U);
  CHECK(d.state.limit == 2U);
}

TEST_CASE("the map is bounded: the least recently used bucket is forgotten", "[registry][rate]") {
  rate_limiter r(3);
  REQUIRE(r.take("a", 1.0, 1, 1, t0).allowed);
  REQUIRE(r.take("b", 1.0, 1, 1, t0).allowed);
  REQUIRE(r.take("c", 1.0, 1, 1, t0).allowed);
  CHECK_FALSE(r.take("a", 1.0, 1, 1, t0).allowed); // a is now the most recent
  REQUIRE(r.take("d", 1.0, 1, 1, t0).allowed);     // forgets b
  CHECK(r.size() == 3);
  CHECK_FALSE(r.take("a", 1.0, 1, 1, t0).allowed); // kept
  CHECK_FALSE(r.take("c", 1.0, 1, 1, t0).allowed); // kept
  CHECK(r.take("b", 1.0, 1, 1, t0).allowed);       // came back full
  CHECK(r.size() == 3);
  // Many invented keys never hold more than the bound.
  for (int i = 0; i < 10000; ++i) r.take("x" + std::to_string(i), 1.0, 1, 1, t0);
  CHECK(r.size() == 3);
}

TEST_CASE("time going backwards refills nothing and breaks nothing", "[registry][rate]") {
  rate_limiter r;
  REQUIRE(r.take("k", 1.0, 1, 1, t0).allowed);
  CHECK_FALSE(r.take("k", 1.0, 1, 1, t0 - 10s).allowed);
  CHECK(r.take("k", 1.0, 1, 1, t0 + 1s).allowed);
}

TEST_CASE("tiny and huge rates stay finite", "[registry][rate]") {
  rate_limiter r;
  REQUIRE(r.take("slow", 0.001, 1, 1, t0).allowed);
  auto slow = r.take("slow", 0.001, 1, 1, t0);
  REQUIRE_FALSE(slow.allowed);
  CHECK(slow.retry_after == 1000s);
  CHECK(slow.state.reset_seconds == 1000U);
  for (int i = 0; i < 1000; ++i) REQUIRE(r.take("fast", 1e6, 1000000, 1, t0).allowed);
  CHECK(r.take("fast", 1e6, 1000000, 1000, t0 + 1ms).allowed);
}
