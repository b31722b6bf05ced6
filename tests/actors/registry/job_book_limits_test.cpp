// The per-caller limits a submission carries (actors/protocol/api.hpp submit_limits), as the
// job book enforces them for `serve` and gateways: rate (take_rate), max_queued (admit),
// max_digits (max_digits_for), and the refusal counters of /metrics.
#include "registry/job_book_fixture.hpp"

using factord::actors::api_error;
using factord::actors::rate_limiter;
using factord::actors::rate_state;
using factord::actors::submit_limits;
using namespace factord::testing::job_book_fixture;
using namespace std::chrono_literals;

namespace {

const rate_limiter::clock::time_point t0{std::chrono::hours{1}};

submit_limits rated(std::string key, double rate, std::uint32_t burst) {
  submit_limits l;
  l.rate_key = std::move(key);
  l.rate = rate;
  l.burst = burst;
  return l;
}

} // namespace

TEST_CASE("with no rate, take_rate takes nothing and reports no limit", "[registry][job_book][rate]") {
  job_book book;
  rate_state s;
  for (int i = 0; i < 1000; ++i) REQUIRE_FALSE(book.take_rate(submit_limits{}, 1000, t0, s));
  CHECK(s.limit == 0U);
  CHECK(book.rate_buckets() == 0);
}

TEST_CASE("over the rate: 429 rate_limited with the exact Retry-After", "[registry][job_book][rate]") {
  job_book book;
  auto l = rated("caller:alice", 2.0, 3);
  rate_state s;
  for (int i = 0; i < 3; ++i) REQUIRE_FALSE(book.take_rate(l, 1, t0, s));
  CHECK(s.limit == 3U);
  CHECK(s.remaining == 0U);
  CHECK(s.reset_seconds == 2U); // 3 tokens at 2/s: 1.5 s, rounded up
  auto refused = book.take_rate(l, 1, t0, s);
  REQUIRE(refused);
  CHECK(refused->code == api_errc::rate_limited);
  CHECK(refused->reason == "rate_limited");
  CHECK(refused->retry_after == 1s);
  CHECK_THAT(refused->message, Contains("at most 3 at once and 2 a second"));
  CHECK_FALSE(book.take_rate(l, 1, t0 + 500ms, s)); // one token back after 0.5 s
}

TEST_CASE("a batch costs its size, all or none, and one over the burst says so",
          "[registry][job_book][rate]") {
  job_book book;
  auto l = rated("ip:10.1.2.3", 1.0, 5);
  rate_state s;
  REQUIRE_FALSE(book.take_rate(l, 4, t0, s));
  CHECK(s.remaining == 1U);
  auto refused = book.take_rate(l, 2, t0, s);
  REQUIRE(refused);
  CHECK(refused->retry_after == 1s);
  CHECK(s.remaining == 1U); // none taken
  auto too_big = book.take_rate(l, 6, t0 + 1h, s);
  REQUIRE(too_big);
  CHECK_THAT(too_big->message, Contains("a batch of 6 numbers is more than the 5"));
}

TEST_CASE("a credential's rate overrides the server's for its caller only", "[registry][job_book][rate]") {
  job_book book;
  // What net/ builds: the server's option for bob, alice's key says rate 0.5 burst 1.
  auto server = rated("caller:bob", 100.0, 100);
  auto own = rated("caller:alice", 0.5, 1);
  rate_state s;
  REQUIRE_FALSE(book.take_rate(own, 1, t0, s));
  auto refused = book.take_rate(own, 1, t0, s);
  REQUIRE(refused);
  CHECK(refused->retry_after == 2s);
  for (int i = 0; i < 100; ++i) REQUIRE_FALSE(book.take_rate(server, 1, t0, s)); // bob is not slowed
}

TEST_CASE("the rate buckets are bounded", "[registry][job_book][rate]") {
  job_book book;
  rate_state s;
  for (std::size_t i = 0; i < factord::config::limits::max_rate_buckets + 500; ++i)
    book.take_rate(rated("ip:" + std::to_string(i), 1.0, 1), 1, t0, s);
  CHECK(book.rate_buckets() == factord::config::limits::max_rate_buckets);
}

TEST_CASE("a caller's max_queued replaces --max-queued-per-caller for that caller", "[registry][job_book]") {
  job_book book(bounds(100, 2));
  submit_limits own;
  own.max_queued = 4;
  for (int i = 0; i < 3; ++i) book.add(make_job("a" + std::to_string(i), "alice"));
  CHECK(book.admit("alice", 1)); // the option: 2
  CHECK_FALSE(book.admit("alice", 1, own));
  auto refused = book.admit("alice", 2, own);
  REQUIRE(refused);
  CHECK(refused->reason == "caller_queue_full");
  CHECK_THAT(refused->message, Contains("max_queued"));
  CHECK_THAT(refused->message, !Contains("--max-queued-per-caller"));
  // Lower than the option as well.
  submit_limits tight;
  tight.max_queued = 1;
  book.add(make_job("b1", "bob"));
  CHECK(book.admit("bob", 1, tight));
  CHECK_FALSE(book.admit("bob", 1));
  // --max-queued still bounds everyone.
  job_book small(bounds(4, 100));
  for (int i = 0; i < 4; ++i) small.add(make_job("c" + std::to_string(i), "carol"));
  submit_limits big;
  big.max_queued = 1000;
  auto total = small.admit("carol", 1, big);
  REQUIRE(total);
  CHECK(total->reason == "server_queue_full");
}

TEST_CASE("max_digits only ever lowers --max-digits", "[registry][job_book]") {
  submit_limits l;
  CHECK(job_book::max_digits_for(l, 300) == 300U);
  l.max_digits = 20;
  CHECK(job_book::max_digits_for(l, 300) == 20U);
  l.max_digits = 5000;
  CHECK(job_book::max_digits_for(l, 300) == 300U);
}

TEST_CASE("refusals are counted by reason", "[registry][job_book]") {
  job_book book;
  book.refused(api_error{api_errc::rate_limited, "rate_limited", "", 1s});
  book.refused(api_error{api_errc::rate_limited, "rate_limited", "", 1s});
  book.refused(api_error{api_errc::queue_full, "caller_queue_full", "", 1s});
  auto s = book.stats();
  CHECK(s.rejected == 3U);
  CHECK(s.refused[static_cast<std::size_t>(api_errc::rate_limited)] == 2U);
  CHECK(s.refused[static_cast<std::size_t>(api_errc::queue_full)] == 1U);
  CHECK(s.refused[static_cast<std::size_t>(api_errc::invalid_number)] == 0U);
}
