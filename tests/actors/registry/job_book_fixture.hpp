// Helpers shared by the job_book tests (job_book_*_test.cpp).
#pragma once

// job-book alone: no actor system, no clock but the one job_book reads itself.
#include "actors/registry/job_book.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <variant>
#include <vector>

using Catch::Matchers::Contains;
using factord::actors::api_errc;
using factord::actors::cancel_handle;
using factord::actors::job;
using factord::actors::job_book;
using factord::actors::job_status;
using factord::actors::unix_millis_now;

namespace factord::testing::job_book_fixture {

constexpr std::int64_t accepted_at = 1'790'000'000'000;

inline job make_job(std::string request_id, std::string caller_id, job_status status = job_status::queued) {
  job j;
  j.request_id = std::move(request_id);
  j.caller_id = std::move(caller_id);
  j.number = "1000000000000000000000000000057";
  j.status = status;
  j.queued_at = accepted_at;
  return j;
}

// The job as its final state: status set, result or error filled in, finished_at left 0
// unless the test sets it.
inline job final_of(const job& j, job_status status) {
  job f = j;
  f.status = status;
  f.started_at = j.started_at;
  if (status == job_status::done) {
    f.factors = {"1000000000000000000000000000057"};
    f.method = "prime";
  } else if (status == job_status::failed) {
    f.error_code = "budget_exceeded";
    f.error_message = "too hard";
  } else {
    f.error_code = "cancelled";
  }
  return f;
}

// A long-poll the book must take (under its waiter bounds): its waiter id.
inline std::uint64_t must_wait(job_book& book, job_book::entry& e, job_book::waker w) {
  auto waiter = book.wait(e, std::move(w));
  REQUIRE(std::holds_alternative<std::uint64_t>(waiter));
  return std::get<std::uint64_t>(waiter);
}

inline job_book::limits bounds(std::uint64_t total, std::uint64_t per_caller,
                               job_book::open_means bound = job_book::open_means::queued) {
  job_book::limits l;
  l.max_open = total;
  l.max_open_per_caller = per_caller;
  l.bound = bound;
  return l;
}

// Counts the calls of a waker and keeps the last job it was given.
struct wake_log {
  int calls = 0;
  job last;
  job_book::waker waker() {
    return [this](const job& j) {
      ++calls;
      last = j;
    };
  }
};

inline std::vector<std::string> callers_of(const job_book& book) {
  std::vector<std::string> out;
  for (const auto& c : book.view().callers) out.push_back(c.caller);
  return out;
}

// Lets unix_millis_now() move on, so "more recently served" is not a tie.
inline void next_millisecond() {
  auto now = unix_millis_now();
  while (unix_millis_now() <= now) std::this_thread::sleep_for(std::chrono::microseconds{200});
}

} // namespace factord::testing::job_book_fixture

// --- admit: the queue bounds ---------------------------------------------------------

using namespace factord::testing::job_book_fixture;
