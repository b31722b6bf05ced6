#include "registry/job_book_fixture.hpp"

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
  auto waiter = must_wait(book, *book.find("old-waited-on"), [](const job&) {});
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
