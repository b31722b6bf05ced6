// job-book alone: no actor system, no clock but the one job_book reads itself.
#include "actors/registry/job_book.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <thread>
#include <vector>

using Catch::Matchers::Contains;
using factord::actors::api_errc;
using factord::actors::cancel_handle;
using factord::actors::job;
using factord::actors::job_book;
using factord::actors::job_status;
using factord::actors::unix_millis_now;

namespace {

constexpr std::int64_t accepted_at = 1'790'000'000'000;

job make_job(std::string request_id, std::string caller_id, job_status status = job_status::queued) {
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
job final_of(const job& j, job_status status) {
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

job_book::limits bounds(std::uint64_t total, std::uint64_t per_caller,
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

std::vector<std::string> callers_of(const job_book& book) {
  std::vector<std::string> out;
  for (const auto& c : book.view().callers) out.push_back(c.caller);
  return out;
}

// Lets unix_millis_now() move on, so "more recently served" is not a tie.
void next_millisecond() {
  auto now = unix_millis_now();
  while (unix_millis_now() <= now) std::this_thread::sleep_for(std::chrono::microseconds{200});
}

} // namespace

// --- admit: the queue bounds ---------------------------------------------------------

TEST_CASE("a fresh book admits up to both bounds and nothing beyond", "[registry][job_book]") {
  job_book book(bounds(5, 3));
  CHECK_FALSE(book.admit("alice", 0));
  CHECK_FALSE(book.admit("alice", 3));
  CHECK(book.admit("alice", 4));
  CHECK(book.open_total() == 0);
  CHECK(book.open_for("alice") == 0);
}

TEST_CASE("a queued job counts against its caller's bound and the total bound", "[registry][job_book]") {
  job_book book(bounds(3, 2));
  book.add(make_job("a1", "alice"));
  CHECK(book.open_for("alice") == 1);
  CHECK(book.open_total() == 1);
  CHECK_FALSE(book.admit("alice", 1));
  book.add(make_job("a2", "alice"));
  CHECK(book.open_for("alice") == 2);
  CHECK(book.admit("alice", 1));
  // Another caller is bounded by the total only.
  CHECK(book.open_for("bob") == 0);
  CHECK_FALSE(book.admit("bob", 1));
  book.add(make_job("b1", "bob"));
  CHECK(book.admit("bob", 1));
  CHECK(book.open_total() == 3);
}

TEST_CASE("over the total bound, admit names --max-queued with queue_full and Retry-After 1 s",
          "[registry][job_book]") {
  job_book book(bounds(2, 10));
  book.add(make_job("a1", "alice"));
  book.add(make_job("b1", "bob"));
  auto refused = book.admit("carol", 1);
  REQUIRE(refused);
  CHECK(refused->code == api_errc::queue_full);
  CHECK(refused->reason == "server_queue_full");
  CHECK(refused->retry_after == std::chrono::seconds{1});
  CHECK_THAT(refused->message, Contains("--max-queued)"));
  CHECK_THAT(refused->message, Contains("2 jobs waiting"));
  CHECK_THAT(refused->message, !Contains("--max-queued-per-caller"));
}

TEST_CASE("over the per-caller bound, admit names --max-queued-per-caller and the caller",
          "[registry][job_book]") {
  job_book book(bounds(10, 2));
  book.add(make_job("a1", "alice"));
  book.add(make_job("a2", "alice"));
  auto refused = book.admit("alice", 1);
  REQUIRE(refused);
  CHECK(refused->code == api_errc::queue_full);
  CHECK(refused->reason == "caller_queue_full");
  CHECK(refused->retry_after == std::chrono::seconds{1});
  CHECK_THAT(refused->message, Contains("--max-queued-per-caller"));
  CHECK_THAT(refused->message, Contains("'alice' already has 2 jobs waiting"));
}

TEST_CASE("when both bounds are reached, admit reports the total bound", "[registry][job_book]") {
  job_book book(bounds(1, 1));
  book.add(make_job("a1", "alice"));
  auto refused = book.admit("alice", 1);
  REQUIRE(refused);
  CHECK(refused->reason == "server_queue_full");
}

TEST_CASE("with open_means::queued a started job no longer counts against the bounds",
          "[registry][job_book]") {
  job_book book(bounds(1, 1, job_book::open_means::queued));
  book.add(make_job("a1", "alice"));
  CHECK(book.admit("alice", 1));
  REQUIRE(book.start("a1", 7, cancel_handle{}));
  CHECK(book.open_for("alice") == 0);
  CHECK(book.open_total() == 0);
  CHECK_FALSE(book.admit("alice", 1));
  // Requeued (its worker died): it waits again, so it counts again.
  REQUIRE(book.requeue("a1"));
  CHECK(book.open_for("alice") == 1);
  CHECK(book.open_total() == 1);
  auto refused = book.admit("alice", 1);
  REQUIRE(refused);
  CHECK_THAT(refused->message, Contains("jobs waiting"));
}

TEST_CASE("with open_means::unfinished a started job counts until it finishes", "[registry][job_book]") {
  job_book book(bounds(1, 1, job_book::open_means::unfinished));
  book.add(make_job("a1", "alice"));
  REQUIRE(book.start("a1", 7, cancel_handle{}));
  CHECK(book.open_for("alice") == 1);
  CHECK(book.open_total() == 1);
  auto refused = book.admit("alice", 1);
  REQUIRE(refused);
  CHECK_THAT(refused->message, Contains("1 unfinished jobs"));
  REQUIRE(book.finish("a1", final_of(book.find("a1")->value, job_status::done)));
  CHECK(book.open_for("alice") == 0);
  CHECK(book.open_total() == 0);
  CHECK_FALSE(book.admit("alice", 1));
}

TEST_CASE("a job added as running or finished counts only as the bound says", "[registry][job_book]") {
  SECTION("open_means::queued: a running job is not waiting") {
    job_book book(bounds(10, 10, job_book::open_means::queued));
    book.add(make_job("r", "alice", job_status::running));
    CHECK(book.open_for("alice") == 0);
    CHECK(book.stats().running == 1);
    CHECK(book.stats().queued == 0);
  }
  SECTION("open_means::unfinished: a running job is open") {
    job_book book(bounds(10, 10, job_book::open_means::unfinished));
    book.add(make_job("r", "alice", job_status::running));
    CHECK(book.open_for("alice") == 1);
    CHECK(book.open_total() == 1);
  }
  SECTION("a finished job is never open, and adding it does not count it as final") {
    job_book book(bounds(10, 10, job_book::open_means::unfinished));
    for (auto status : {job_status::done, job_status::failed, job_status::cancelled})
      book.add(make_job("f" + std::to_string(static_cast<int>(status)), "alice", status));
    CHECK(book.open_for("alice") == 0);
    CHECK(book.open_total() == 0);
    auto s = book.stats();
    CHECK(s.queued == 0);
    CHECK(s.running == 0);
    CHECK(s.done == 0);
    CHECK(s.failed == 0);
    CHECK(s.cancelled == 0);
    CHECK(s.known == 3);
  }
}

TEST_CASE("adding a known id replaces the job without counting it twice", "[registry][job_book]") {
  job_book book(bounds(10, 10));
  book.add(make_job("a1", "alice"));
  book.add(make_job("a1", "alice"));
  CHECK(book.size() == 1);
  CHECK(book.open_for("alice") == 1);
  CHECK(book.open_total() == 1);
  CHECK(book.stats().queued == 1);
  // Replaced by a finished copy (a result read from a topic): no longer open.
  book.add(make_job("a1", "alice", job_status::done));
  CHECK(book.open_for("alice") == 0);
  CHECK(book.open_total() == 0);
  CHECK(book.stats().queued == 0);
}

TEST_CASE("erasing an unfinished job releases its bound, an unknown id is ignored", "[registry][job_book]") {
  job_book book(bounds(2, 2, job_book::open_means::unfinished));
  book.add(make_job("a1", "alice"));
  book.add(make_job("a2", "alice"));
  REQUIRE(book.start("a2", 9, cancel_handle{}));
  CHECK(book.admit("alice", 1));
  book.erase("a1");
  book.erase("a2");
  book.erase("never-seen");
  CHECK(book.size() == 0);
  CHECK(book.open_for("alice") == 0);
  CHECK(book.open_total() == 0);
  CHECK(book.running_on(9) == nullptr);
  CHECK(book.running().empty());
  CHECK(book.stats().queued == 0);
  CHECK(book.stats().running == 0);
  CHECK_FALSE(book.admit("alice", 2));
}

TEST_CASE("erasing a job does not wake its waiters or watchers", "[registry][job_book]") {
  job_book book;
  auto& e = book.add(make_job("a1", "alice"));
  wake_log waiter, watcher;
  book.wait(e, waiter.waker());
  book.watch(e, watcher.waker());
  book.erase("a1");
  CHECK(waiter.calls == 0);
  CHECK(watcher.calls == 0);
  CHECK(book.find("a1") == nullptr);
}

// --- garbage-ish input -----------------------------------------------------------------

TEST_CASE("an empty caller id is bounded like any other caller", "[registry][job_book]") {
  job_book book(bounds(10, 1));
  book.add(make_job("e1", ""));
  CHECK(book.open_for("") == 1);
  CHECK_FALSE(book.admit("someone", 1));
  auto refused = book.admit("", 1);
  REQUIRE(refused);
  CHECK(refused->reason == "caller_queue_full");
  CHECK_THAT(refused->message, Contains("caller '' already has 1"));
}

TEST_CASE("a very long caller id is bounded and named in full", "[registry][job_book]") {
  const std::string long_caller(1 << 20, 'x');
  job_book book(bounds(10, 1));
  auto j = make_job("l1", long_caller);
  j.idempotency_key = std::string(1 << 16, 'k');
  book.add(j);
  CHECK(book.open_for(long_caller) == 1);
  CHECK(book.open_for(long_caller.substr(1)) == 0);
  CHECK(book.find_by_key(long_caller, j.idempotency_key) == book.find("l1"));
  auto refused = book.admit(long_caller, 1);
  REQUIRE(refused);
  CHECK_THAT(refused->message, Contains("'" + long_caller + "'"));
}

TEST_CASE("a huge extra in admit is refused, whatever is already open", "[registry][job_book]") {
  constexpr auto huge = std::numeric_limits<std::uint64_t>::max();
  job_book book(bounds(100, 10));
  SECTION("an empty book") {
    CHECK(book.admit("alice", huge));
    CHECK(book.admit("alice", huge / 2));
  }
  SECTION("the caller already has open jobs") {
    for (int i = 0; i < 3; ++i) book.add(make_job("a" + std::to_string(i), "alice"));
    // open_total + extra and have + extra must not wrap around to a small number: with 3
    // open, extra = max - 2 would make both sums 0 and pass both bounds.
    for (std::uint64_t below = 0; below < 6; ++below) {
      INFO("extra = max - " << below);
      auto refused = book.admit("alice", huge - below);
      CHECK(refused);
      if (refused) CHECK(refused->code == api_errc::queue_full);
    }
  }
  SECTION("another caller has open jobs") {
    book.add(make_job("b1", "bob"));
    book.add(make_job("b2", "bob"));
    for (std::uint64_t below = 0; below < 6; ++below) {
      INFO("extra = max - " << below);
      CHECK(book.admit("alice", huge - below));
    }
  }
}

TEST_CASE("a caller id with a newline does not share another caller's idempotency keys",
          "[registry][job_book]") {
  job_book book;
  auto j = make_job("n1", "a\nb");
  j.idempotency_key = "c";
  book.add(j);
  CHECK(book.find_by_key("a\nb", "c") == book.find("n1"));
  CHECK(book.find_by_key("a", "b\nc") == nullptr);
}

// --- start, requeue, running_on, note_running --------------------------------------------

TEST_CASE("start moves only a queued job to running, one more attempt each time", "[registry][job_book]") {
  job_book book;
  book.add(make_job("a1", "alice"));
  cancel_handle cancel;
  CHECK_FALSE(book.start("unknown", 7, cancel));

  auto before = unix_millis_now();
  REQUIRE(book.start("a1", 7, cancel));
  const auto* e = book.find("a1");
  REQUIRE(e);
  CHECK(e->value.status == job_status::running);
  CHECK(e->value.attempts == 1);
  CHECK(e->value.started_at >= before);
  CHECK(e->worker == 7);
  CHECK(e->cancel.flag == cancel.flag); // the worker and the book share one flag
  CHECK(book.running_on(7) == book.find("a1"));
  CHECK(book.running().at(7) == "a1");
  CHECK(book.stats().running == 1);
  CHECK(book.stats().queued == 0);

  CHECK_FALSE(book.start("a1", 8, cancel_handle{})); // already running
  CHECK(book.running_on(8) == nullptr);
  CHECK(book.find("a1")->value.attempts == 1);

  REQUIRE(book.requeue("a1"));
  REQUIRE(book.start("a1", 8, cancel_handle{}));
  CHECK(book.find("a1")->value.attempts == 2);
  CHECK(book.running_on(8) == book.find("a1"));
  CHECK(book.running_on(7) == nullptr);

  REQUIRE(book.finish("a1", final_of(book.find("a1")->value, job_status::done)));
  CHECK_FALSE(book.start("a1", 9, cancel_handle{})); // finished
}

TEST_CASE("requeue returns a running job to queued and counts it", "[registry][job_book]") {
  job_book book;
  book.add(make_job("a1", "alice"));
  CHECK_FALSE(book.requeue("a1")); // queued, not running
  CHECK_FALSE(book.requeue("unknown"));
  CHECK(book.stats().requeued == 0);

  REQUIRE(book.start("a1", 7, cancel_handle{}));
  REQUIRE(book.requeue("a1"));
  const auto& j = book.find("a1")->value;
  CHECK(j.status == job_status::queued);
  CHECK(j.started_at == 0);
  CHECK(j.attempts == 1); // a crashed attempt still counts
  CHECK(book.running_on(7) == nullptr);
  CHECK(book.running().empty());
  auto s = book.stats();
  CHECK(s.requeued == 1);
  CHECK(s.queued == 1);
  CHECK(s.running == 0);
  CHECK_FALSE(book.requeue("a1"));
  CHECK(book.stats().requeued == 1);
}

TEST_CASE("running_on finds nothing for an idle worker or after the job finishes", "[registry][job_book]") {
  job_book book;
  CHECK(book.running_on(1) == nullptr);
  book.add(make_job("a1", "alice"));
  book.add(make_job("b1", "bob"));
  REQUIRE(book.start("a1", 1, cancel_handle{}));
  REQUIRE(book.start("b1", 2, cancel_handle{}));
  CHECK(book.running_on(1)->value.request_id == "a1");
  CHECK(book.running_on(2)->value.request_id == "b1");
  REQUIRE(book.finish("a1", final_of(book.find("a1")->value, job_status::failed)));
  CHECK(book.running_on(1) == nullptr);
  CHECK(book.running_on(2)->value.request_id == "b1");
  CHECK(book.running().size() == 1);
}

TEST_CASE("note_running moves a queued job to running once and follows the bound", "[registry][job_book]") {
  SECTION("open_means::unfinished: still open") {
    job_book book(bounds(10, 10, job_book::open_means::unfinished));
    auto& e = book.add(make_job("a1", "alice"));
    book.note_running(e, accepted_at + 5, 3);
    CHECK(e.value.status == job_status::running);
    CHECK(e.value.started_at == accepted_at + 5);
    CHECK(e.value.attempts == 3);
    CHECK(book.open_for("alice") == 1);
    CHECK(book.stats().running == 1);
    CHECK(book.stats().queued == 0);
    CHECK(book.running().empty()); // reported from elsewhere: no local worker

    book.note_running(e, accepted_at + 99, 4); // a later running record: no change
    CHECK(e.value.started_at == accepted_at + 5);
    CHECK(e.value.attempts == 3);
    CHECK(book.stats().running == 1);
  }
  SECTION("open_means::queued: no longer waiting") {
    job_book book(bounds(10, 10, job_book::open_means::queued));
    auto& e = book.add(make_job("a1", "alice"));
    book.note_running(e, accepted_at + 5, 1);
    CHECK(book.open_for("alice") == 0);
    CHECK(book.open_total() == 0);
  }
  SECTION("a finished job stays finished") {
    job_book book;
    auto& e = book.add(make_job("a1", "alice", job_status::done));
    book.note_running(e, accepted_at + 5, 1);
    CHECK(e.value.status == job_status::done);
    CHECK(book.stats().running == 0);
  }
}

// --- finish and its wakers ---------------------------------------------------------------

TEST_CASE("finish wakes every waiter and watcher exactly once with the final job", "[registry][job_book]") {
  job_book book;
  auto& e = book.add(make_job("a1", "alice"));
  std::vector<wake_log> logs(5);
  book.wait(e, logs[0].waker());
  book.wait(e, logs[1].waker());
  book.wait(e, logs[2].waker());
  book.watch(e, logs[3].waker());
  book.watch(e, logs[4].waker());

  REQUIRE(book.finish("a1", final_of(e.value, job_status::done)));
  for (const auto& log : logs) {
    CHECK(log.calls == 1);
    CHECK(log.last.request_id == "a1");
    CHECK(log.last.status == job_status::done);
    CHECK(log.last.factors == std::vector<std::string>{"1000000000000000000000000000057"});
  }
  CHECK(book.find("a1")->waiters.empty());
  CHECK(book.find("a1")->watchers.empty());

  // A duplicate (after a crash or rebalance) wakes no one again.
  CHECK_FALSE(book.finish("a1", final_of(e.value, job_status::failed)));
  for (const auto& log : logs) CHECK(log.calls == 1);
  CHECK(book.find("a1")->value.status == job_status::done);
}

TEST_CASE("finish refuses unknown ids, duplicates and a state that is not final", "[registry][job_book]") {
  job_book book;
  auto& e = book.add(make_job("a1", "alice"));
  wake_log log;
  book.watch(e, log.waker());

  CHECK_FALSE(book.finish("unknown", final_of(e.value, job_status::done)));
  auto still_running = e.value;
  still_running.status = job_status::running;
  CHECK_FALSE(book.finish("a1", still_running));
  CHECK(log.calls == 0);
  CHECK(e.value.status == job_status::queued);
  CHECK(book.open_for("alice") == 1);

  REQUIRE(book.finish("a1", final_of(e.value, job_status::cancelled)));
  CHECK_FALSE(book.finish("a1", final_of(e.value, job_status::cancelled)));
  CHECK_FALSE(book.finish("a1", final_of(e.value, job_status::done)));
  auto s = book.stats();
  CHECK(s.cancelled == 1);
  CHECK(s.done == 0);
  CHECK(s.latency_count == 0);
  CHECK(log.calls == 1);
}

TEST_CASE("finish keeps the idempotency key when the final job carries none", "[registry][job_book]") {
  job_book book;
  auto j = make_job("a1", "alice");
  j.idempotency_key = "order-42";
  book.add(j);
  auto final = final_of(j, job_status::done);
  final.idempotency_key.clear();
  REQUIRE(book.finish("a1", final));
  CHECK(book.find("a1")->value.idempotency_key == "order-42");
  CHECK(book.find_by_key("alice", "order-42") == book.find("a1"));
}

TEST_CASE("finish stamps finished_at when the final job has none and keeps one it has",
          "[registry][job_book]") {
  job_book book;
  book.add(make_job("a1", "alice"));
  book.add(make_job("a2", "alice"));
  auto before = unix_millis_now();
  REQUIRE(book.finish("a1", final_of(book.find("a1")->value, job_status::failed)));
  auto after = unix_millis_now();
  CHECK(book.find("a1")->value.finished_at >= before);
  CHECK(book.find("a1")->value.finished_at <= after);

  auto final = final_of(book.find("a2")->value, job_status::done);
  final.finished_at = accepted_at + 1234;
  REQUIRE(book.finish("a2", final));
  CHECK(book.find("a2")->value.finished_at == accepted_at + 1234);
}

TEST_CASE("finish counts done, failed and cancelled, and the latency only of done jobs",
          "[registry][job_book]") {
  job_book book;
  for (const char* id : {"d", "f", "c"}) book.add(make_job(id, "alice"));

  auto done = final_of(book.find("d")->value, job_status::done);
  done.finished_at = accepted_at + 30; // 0.03 s after acceptance
  REQUIRE(book.finish("d", done));
  auto failed = final_of(book.find("f")->value, job_status::failed);
  failed.finished_at = accepted_at + 30'000;
  REQUIRE(book.finish("f", failed));
  REQUIRE(book.finish("c", final_of(book.find("c")->value, job_status::cancelled)));

  auto s = book.stats();
  CHECK(s.done == 1);
  CHECK(s.failed == 1);
  CHECK(s.cancelled == 1);
  CHECK(s.queued == 0);
  CHECK(s.latency_count == 1);
  CHECK(s.latency_sum == Approx(0.03));
  REQUIRE(s.latency_bounds.size() == s.latency_counts.size());
  REQUIRE_FALSE(s.latency_bounds.empty());
  for (std::size_t i = 0; i < s.latency_bounds.size(); ++i) {
    INFO("bound " << s.latency_bounds[i]);
    CHECK(s.latency_counts[i] == (0.03 <= s.latency_bounds[i] ? 1u : 0u)); // cumulative
  }
}

TEST_CASE("count_final counts a final state reached elsewhere", "[registry][job_book]") {
  job_book book;
  auto done = make_job("x", "alice", job_status::done);
  done.finished_at = accepted_at + 2'000;
  book.count_final(done);
  book.count_final(make_job("y", "alice", job_status::failed));
  book.count_final(make_job("z", "alice", job_status::cancelled));
  auto s = book.stats();
  CHECK(s.done == 1);
  CHECK(s.failed == 1);
  CHECK(s.cancelled == 1);
  CHECK(s.latency_count == 1);
  CHECK(s.latency_sum == Approx(2.0));
  CHECK(s.known == 0); // counted, not kept
}

TEST_CASE("finish of a running job frees its worker and its bound", "[registry][job_book]") {
  job_book book(bounds(10, 10, job_book::open_means::unfinished));
  book.add(make_job("a1", "alice"));
  REQUIRE(book.start("a1", 7, cancel_handle{}));
  REQUIRE(book.finish("a1", final_of(book.find("a1")->value, job_status::done)));
  CHECK(book.running_on(7) == nullptr);
  CHECK(book.open_for("alice") == 0);
  CHECK(book.open_total() == 0);
  CHECK(book.stats().running == 0);
  CHECK(book.find("a1")->value.attempts == 1);
}

TEST_CASE("a waker that waits on or watches the job during wake-up is not called", "[registry][job_book]") {
  job_book book;
  auto& e = book.add(make_job("a1", "alice"));
  wake_log late_watcher, late_waiter, first_after, other_watcher;
  int first_calls = 0;
  book.watch(e, [&](const job&) {
    ++first_calls;
    auto* again = book.find("a1");
    REQUIRE(again);
    book.watch(*again, late_watcher.waker()); // a session resubscribing
    book.wait(*again, late_waiter.waker());
  });
  book.wait(e, first_after.waker());
  book.watch(e, other_watcher.waker());

  REQUIRE(book.finish("a1", final_of(e.value, job_status::done)));
  CHECK(first_calls == 1);
  CHECK(first_after.calls == 1);
  CHECK(other_watcher.calls == 1);
  CHECK(other_watcher.last.status == job_status::done);
  CHECK(late_watcher.calls == 0);
  CHECK(late_waiter.calls == 0);
  CHECK_FALSE(book.finish("a1", final_of(e.value, job_status::done)));
  CHECK(late_watcher.calls == 0);
  CHECK(first_calls == 1);
}

TEST_CASE("a waker that adds many jobs during wake-up does not disturb the others", "[registry][job_book]") {
  job_book book;
  book.add(make_job("a1", "alice"));
  wake_log later;
  book.watch(*book.find("a1"), [&](const job&) {
    for (int i = 0; i < 1000; ++i) book.add(make_job("new-" + std::to_string(i), "bob")); // rehashes
  });
  book.watch(*book.find("a1"), later.waker());
  REQUIRE(book.finish("a1", final_of(book.find("a1")->value, job_status::done)));
  CHECK(later.calls == 1);
  CHECK(later.last.request_id == "a1");
  CHECK(later.last.status == job_status::done);
  CHECK(book.size() == 1001);
  CHECK(book.open_for("bob") == 1000);
}

// --- wait, watch, expire ---------------------------------------------------------------

TEST_CASE("expire answers only that waiter, with the job as it is now", "[registry][job_book]") {
  job_book book;
  auto& e = book.add(make_job("a1", "alice"));
  wake_log first, second, watcher;
  auto first_id = book.wait(e, first.waker());
  auto second_id = book.wait(e, second.waker());
  book.watch(e, watcher.waker());
  CHECK(first_id != second_id);

  REQUIRE(book.start("a1", 7, cancel_handle{}));
  book.expire("a1", first_id);
  CHECK(first.calls == 1);
  CHECK(first.last.status == job_status::running);
  CHECK(second.calls == 0);
  CHECK(watcher.calls == 0);
  CHECK(book.find("a1")->waiters.size() == 1);

  book.expire("a1", first_id);         // already answered
  book.expire("unknown", second_id);   // not this job
  book.expire("a1", second_id + 1000); // no such waiter
  CHECK(first.calls == 1);
  CHECK(second.calls == 0);

  REQUIRE(book.finish("a1", final_of(book.find("a1")->value, job_status::done)));
  CHECK(first.calls == 1);
  CHECK(second.calls == 1);
  CHECK(second.last.status == job_status::done);
  book.expire("a1", second_id); // answered by finish already
  CHECK(second.calls == 1);
}

TEST_CASE("waiter ids are distinct across jobs", "[registry][job_book]") {
  job_book book;
  auto& a = book.add(make_job("a1", "alice"));
  auto& b = book.add(make_job("b1", "bob"));
  std::set<std::uint64_t> ids;
  for (int i = 0; i < 100; ++i) {
    ids.insert(book.wait(a, [](const job&) {}));
    ids.insert(book.wait(b, [](const job&) {}));
  }
  CHECK(ids.size() == 200);
}

// --- idempotency keys and purge ----------------------------------------------------------

TEST_CASE("find_by_key finds a job by its caller and key until it is erased", "[registry][job_book]") {
  job_book book;
  auto j = make_job("a1", "alice");
  j.idempotency_key = "order-42";
  book.add(j);
  book.add(make_job("a2", "alice")); // no key
  CHECK(book.find_by_key("alice", "order-42") == book.find("a1"));
  CHECK(book.find_by_key("bob", "order-42") == nullptr);
  CHECK(book.find_by_key("alice", "order-43") == nullptr);
  CHECK(book.find_by_key("alice", "") == nullptr);
  book.erase("a1");
  CHECK(book.find_by_key("alice", "order-42") == nullptr);
}

TEST_CASE("purge forgets finished jobs that ended before now minus retention", "[registry][job_book]") {
  job_book::limits l;
  l.retention = std::chrono::milliseconds{1000};
  job_book book(l);
  const std::int64_t now = accepted_at + 10'000;
  const std::int64_t cutoff = now - 1000;

  auto finished_at = [&](std::string id, std::int64_t when, std::string key = {}) {
    auto j = make_job(std::move(id), "alice");
    j.idempotency_key = std::move(key);
    book.add(j);
    auto final = final_of(j, job_status::done);
    final.finished_at = when;
    REQUIRE(book.finish(j.request_id, final));
  };
  finished_at("old", cutoff - 1, "old-key");
  finished_at("at-cutoff", cutoff);
  finished_at("recent", now - 10);
  finished_at("old-waited-on", cutoff - 500);
  auto waiter = book.wait(*book.find("old-waited-on"), [](const job&) {});
  book.add(make_job("old-queued", "alice")); // unfinished, however old
  book.add(make_job("old-running", "alice", job_status::running));
  CHECK(book.find_by_key("alice", "old-key") == book.find("old"));

  CHECK(book.purge(now) == cutoff);
  CHECK(book.find("old") == nullptr);
  CHECK(book.find_by_key("alice", "old-key") == nullptr);
  CHECK(book.find("at-cutoff") != nullptr);
  CHECK(book.find("recent") != nullptr);
  CHECK(book.find("old-waited-on") != nullptr);
  CHECK(book.find("old-queued") != nullptr);
  CHECK(book.find("old-running") != nullptr);
  CHECK(book.size() == 5);
  CHECK(book.stats().known == 5);
  CHECK(book.open_for("alice") == 1); // purge leaves the bounds alone

  book.expire("old-waited-on", waiter);
  CHECK(book.purge(now) == cutoff);
  CHECK(book.find("old-waited-on") == nullptr);
  CHECK(book.purge(now + 1000) == now);
  CHECK(book.find("at-cutoff") == nullptr);
  CHECK(book.find("recent") == nullptr);
  CHECK(book.size() == 2);
}

// --- charge and view -----------------------------------------------------------------------

TEST_CASE("charge adds up worker time and done jobs per caller", "[registry][job_book]") {
  job_book book;
  book.charge("alice", 1.5, true);
  book.charge("alice", 0.25, false);
  book.charge("bob", 2.0, true);
  auto view = book.view();
  REQUIRE(view.callers.size() == 2);
  for (const auto& c : view.callers) {
    if (c.caller == "alice") {
      CHECK(c.jobs_done == 1);
      CHECK(c.compute_seconds == Approx(1.75));
    } else {
      CHECK(c.caller == "bob");
      CHECK(c.jobs_done == 1);
      CHECK(c.compute_seconds == Approx(2.0));
    }
  }
}

TEST_CASE("charge keeps at most max_served_callers, forgetting the least recently served",
          "[registry][job_book]") {
  job_book::limits l;
  l.max_served_callers = 3;
  job_book book(l);
  for (const char* caller : {"a", "b", "c"}) {
    book.charge(caller, 1, true);
    next_millisecond();
  }
  book.charge("a", 1, true); // a is now the most recent
  next_millisecond();
  book.charge("d", 1, true); // b is the least recently served
  CHECK(callers_of(book) == std::vector<std::string>{"d", "a", "c"});
  next_millisecond();
  book.charge("e", 1, true);
  CHECK(callers_of(book) == std::vector<std::string>{"e", "d", "a"});
}

TEST_CASE("charge never forgets the caller it has just served, even within one millisecond",
          "[registry][job_book]") {
  // Many callers are served within the same millisecond under load; last_active ties must
  // not make the bound drop the newest caller instead of an older one.
  for (int trial = 0; trial < 50; ++trial) {
    job_book::limits l;
    l.max_served_callers = 1;
    job_book book(l);
    const std::string earlier = "early-" + std::to_string(trial);
    const std::string latest = "late-" + std::to_string(trial);
    book.charge(earlier, 1, true);
    book.charge(latest, 1, true);
    INFO("trial " << trial);
    CHECK(callers_of(book) == std::vector<std::string>{latest});
  }
}

TEST_CASE("view lists running jobs with their worker, caller, digits and start", "[registry][job_book]") {
  job_book book;
  book.add(make_job("a1", "alice"));
  book.add(make_job("b1", "bob"));
  book.add(make_job("c1", "carol")); // stays queued: not listed
  REQUIRE(book.start("a1", 11, cancel_handle{}));
  REQUIRE(book.start("b1", 12, cancel_handle{}));
  auto view = book.view();
  REQUIRE(view.running.size() == 2);
  for (const auto& r : view.running) {
    const auto& j = book.find(r.request_id)->value;
    CHECK(r.worker == (r.request_id == "a1" ? 11u : 12u));
    CHECK(r.caller_id == j.caller_id);
    CHECK(r.digits == j.number.size());
    CHECK(r.started_at == j.started_at);
  }
  CHECK(book.view().callers.empty());
}

TEST_CASE("view lists callers most recently served first, at most 200", "[registry][job_book]") {
  job_book book;
  for (int i = 0; i < 50; ++i) book.charge("old-" + std::to_string(i), 1, true);
  next_millisecond();
  for (int i = 0; i < 210; ++i) book.charge("new-" + std::to_string(i), 1, true);
  auto callers = callers_of(book);
  CHECK(callers.size() == 200);
  for (const auto& c : callers) CHECK(c.rfind("new-", 0) == 0);

  job_book ordered;
  for (const char* caller : {"first", "second", "third"}) {
    ordered.charge(caller, 1, true);
    next_millisecond();
  }
  CHECK(callers_of(ordered) == std::vector<std::string>{"third", "second", "first"});
}

// --- request ids and stats -----------------------------------------------------------------

TEST_CASE("new_request_id gives 32 hex characters and no duplicates over 10,000 calls",
          "[registry][job_book]") {
  job_book book;
  std::set<std::string> seen;
  for (int i = 0; i < 10'000; ++i) {
    auto id = book.new_request_id();
    REQUIRE(id.size() == 32);
    REQUIRE(id.find_first_not_of("0123456789abcdef") == std::string::npos);
    seen.insert(id);
  }
  CHECK(seen.size() == 10'000);
  job_book other; // seeded on its own
  CHECK(seen.count(other.new_request_id()) == 0);
}

TEST_CASE("stats().known follows size() through add, finish, erase and purge", "[registry][job_book]") {
  job_book::limits l;
  l.retention = std::chrono::milliseconds{0};
  job_book book(l);
  CHECK(book.stats().known == 0);
  for (int i = 0; i < 5; ++i) book.add(make_job("j" + std::to_string(i), "alice"));
  CHECK(book.stats().known == book.size());
  CHECK(book.size() == 5);
  auto final = final_of(book.find("j0")->value, job_status::done);
  final.finished_at = accepted_at;
  REQUIRE(book.finish("j0", final));
  CHECK(book.stats().known == 5);
  book.erase("j1");
  CHECK(book.stats().known == book.size());
  book.purge(accepted_at + 1);
  CHECK(book.size() == 3);
  CHECK(book.stats().known == 3);
  book.counters().accepted += 5; // the owner counts acceptances itself
  CHECK(book.stats().accepted == 5);
  CHECK(book.stats().queued == 3);
}
