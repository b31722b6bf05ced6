#include "registry/job_book_fixture.hpp"

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
  must_wait(book, e, waiter.waker());
  book.watch(e, watcher.waker());
  book.erase("a1");
  CHECK(waiter.calls == 0);
  CHECK(watcher.calls == 0);
  CHECK(book.find("a1") == nullptr);
  CHECK(book.waiting() == 0);
}

// --- long-poll waiters: per job and on the node ---------------------------------------

namespace {
job_book::limits waiter_bounds(std::size_t per_job, std::size_t total) {
  job_book::limits l;
  l.max_waiters_per_job = per_job;
  l.max_waiters = total;
  return l;
}

void check_too_many_waiters(const std::variant<std::uint64_t, factord::actors::api_error>& waiter) {
  REQUIRE(std::holds_alternative<factord::actors::api_error>(waiter));
  const auto& refused = std::get<factord::actors::api_error>(waiter);
  CHECK(refused.code == api_errc::queue_full);
  CHECK(refused.reason == "too_many_waiters");
  CHECK(refused.retry_after >= std::chrono::seconds{1});
  CHECK_THAT(refused.message, Contains("without ?wait="));
}
} // namespace

TEST_CASE("a job takes at most max_waiters_per_job long-polls, and one more once one is answered",
          "[registry][job_book]") {
  job_book book(waiter_bounds(3, 100));
  auto& e = book.add(make_job("a1", "alice"));
  std::vector<std::uint64_t> ids;
  ids.reserve(3);
  for (int i = 0; i < 3; ++i) ids.push_back(must_wait(book, e, [](const job&) {}));
  wake_log refused_waker;
  check_too_many_waiters(book.wait(e, refused_waker.waker()));
  CHECK(e.waiters.size() == 3); // the refused one was not added
  CHECK(book.waiting() == 3);
  // Another job is not affected by this one's waiters.
  auto& other = book.add(make_job("b1", "bob"));
  must_wait(book, other, [](const job&) {});
  CHECK(book.waiting() == 4);

  book.expire("a1", ids[0]);
  CHECK(book.waiting() == 3);
  must_wait(book, *book.find("a1"), [](const job&) {});
  REQUIRE(book.finish("a1", final_of(book.find("a1")->value, job_status::done)));
  CHECK(book.waiting() == 1);
  CHECK(refused_waker.calls == 0); // a refused waiter is never woken
}

TEST_CASE("the node takes at most max_waiters long-polls across all jobs", "[registry][job_book]") {
  job_book book(waiter_bounds(10, 4));
  for (int i = 0; i < 4; ++i) {
    auto& e = book.add(make_job("j" + std::to_string(i), "alice"));
    must_wait(book, e, [](const job&) {});
  }
  auto& fifth = book.add(make_job("j4", "alice"));
  check_too_many_waiters(book.wait(fifth, [](const job&) {}));
  CHECK(book.waiting() == 4);
  // Replacing a job drops its waiters unanswered; they no longer count.
  book.add(make_job("j0", "alice"));
  CHECK(book.waiting() == 3);
  must_wait(book, *book.find("j4"), [](const job&) {});
  book.erase("j1");
  CHECK(book.waiting() == 3);
}

TEST_CASE("the default waiter bounds are config::limits'", "[registry][job_book]") {
  job_book book;
  auto& e = book.add(make_job("a1", "alice"));
  for (std::size_t i = 0; i < factord::config::limits::max_waiters_per_job; ++i)
    must_wait(book, e, [](const job&) {});
  check_too_many_waiters(book.wait(e, [](const job&) {}));
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

// --- admit_batch ---------------------------------------------------------------------------

namespace {

// Accepts decimal text (normalized by dropping leading zeros), refuses anything else.
std::optional<factord::actors::api_error> digits_only(const std::string& text, std::string& number) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos)
    return factord::actors::api_error{api_errc::invalid_number, "invalid_number", "not a number: " + text};
  auto first = text.find_first_not_of('0');
  number = first == std::string::npos ? "0" : text.substr(first);
  return std::nullopt;
}

factord::actors::rate_limiter::clock::time_point now() { return factord::actors::rate_limiter::clock::now(); }

} // namespace

TEST_CASE("admit_batch returns every number normalized when each one is admitted", "[registry][job_book]") {
  job_book book;
  auto admitted = book.admit_batch({"0091", "15", "7"}, {}, now(), digits_only);
  auto* ok = std::get_if<job_book::admitted_batch>(&admitted);
  REQUIRE(ok != nullptr);
  CHECK(ok->numbers == std::vector<std::string>{"91", "15", "7"});
  CHECK(ok->rate.limit == 0); // no rate limit
  CHECK(book.counters().rejected == 0);
}

TEST_CASE("admit_batch refuses the whole batch at its first bad number, with its index, counted once",
          "[registry][job_book]") {
  job_book book;
  int checked = 0;
  auto admitted =
      book.admit_batch({"91", "x", "", "15"}, {}, now(), [&](const std::string& text, std::string& number) {
        ++checked;
        return digits_only(text, number);
      });
  auto* refused = std::get_if<factord::actors::batch_reply>(&admitted);
  REQUIRE(refused != nullptr);
  CHECK_FALSE(refused->ok);
  CHECK(refused->bad_index == 1);
  CHECK(refused->jobs.empty());
  CHECK_THAT(refused->error.message, Contains("not a number: x"));
  CHECK(checked == 2); // nothing after the first refusal is looked at
  CHECK(book.counters().rejected == 1);
}

TEST_CASE("admit_batch of an empty batch admits nothing and refuses nothing", "[registry][job_book]") {
  job_book book;
  auto admitted = book.admit_batch({}, {}, now(), digits_only);
  REQUIRE(std::holds_alternative<job_book::admitted_batch>(admitted));
  CHECK(std::get<job_book::admitted_batch>(admitted).numbers.empty());
  CHECK(book.counters().rejected == 0);
}

TEST_CASE("admit_submission counts a refusal from the caller's own checks and takes no token for it",
          "[registry][job_book]") {
  job_book book;
  factord::actors::submit_limits l;
  l.rate_key = "caller:alice";
  l.rate = 1;
  l.burst = 1;
  factord::actors::rate_state rate;
  factord::actors::api_error bad{api_errc::invalid_number, "invalid_number", "not a number"};
  auto refused = book.admit_submission(bad, l, now(), rate);
  REQUIRE(refused);
  CHECK(refused->code == api_errc::invalid_number);
  CHECK(book.counters().rejected == 1);
  CHECK(rate.limit == 0); // the bucket was not asked
  // The one token is still there for an admitted submission; the next one is rate limited.
  CHECK_FALSE(book.admit_submission(std::nullopt, l, now(), rate));
  CHECK(rate.remaining == 0);
  auto limited = book.admit_submission(std::nullopt, l, now(), rate);
  REQUIRE(limited);
  CHECK(limited->code == api_errc::rate_limited);
  CHECK(limited->retry_after.count() >= 1);
  CHECK(book.counters().rejected == 2);
}

TEST_CASE("admit_batch takes one token per number, all or none, after every number passed",
          "[registry][job_book]") {
  job_book book;
  factord::actors::submit_limits l;
  l.rate_key = "caller:alice";
  l.rate = 1;
  l.burst = 3;
  auto t = now();
  auto big = book.admit_batch({"6", "10", "14", "15"}, l, t, digits_only);
  auto* refused = std::get_if<factord::actors::batch_reply>(&big);
  REQUIRE(refused != nullptr);
  CHECK(refused->error.code == api_errc::rate_limited);
  CHECK(refused->rate.remaining == 3); // nothing taken
  auto bad = book.admit_batch({"6", "x"}, l, t, digits_only);
  REQUIRE(std::holds_alternative<factord::actors::batch_reply>(bad));
  auto fits = book.admit_batch({"6", "10", "14"}, l, t, digits_only);
  auto* ok = std::get_if<job_book::admitted_batch>(&fits);
  REQUIRE(ok != nullptr);
  CHECK(ok->rate.remaining == 0);
  CHECK(book.counters().rejected == 2);
}
