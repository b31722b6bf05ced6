#include "registry/job_book_fixture.hpp"

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
  CHECK(e->cancel.same_job(cancel)); // the worker and the book share one flag
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

TEST_CASE("worker_lost counts every lost worker and names the job it was running", "[registry][job_book]") {
  job_book book;
  book.add(make_job("a1", "alice"));
  REQUIRE(book.start("a1", 7, cancel_handle{}));
  CHECK(book.worker_lost(3) == nullptr); // idle: counted, nothing to re-queue
  auto* e = book.worker_lost(7);
  REQUIRE(e != nullptr);
  CHECK(e->value.request_id == "a1");
  CHECK(book.counters().workers_lost == 2);
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
  must_wait(book, e, logs[0].waker());
  must_wait(book, e, logs[1].waker());
  must_wait(book, e, logs[2].waker());
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
    must_wait(book, *again, late_waiter.waker());
  });
  must_wait(book, e, first_after.waker());
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
  auto first_id = must_wait(book, e, first.waker());
  auto second_id = must_wait(book, e, second.waker());
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
  for (int i = 0; i < 50; ++i) { // under max_waiters_per_job
    ids.insert(must_wait(book, a, [](const job&) {}));
    ids.insert(must_wait(book, b, [](const job&) {}));
  }
  CHECK(ids.size() == 100);
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

TEST_CASE("a shutdown queues every running job again without counting its start", "[registry][job_book]") {
  job_book book;
  book.add(make_job("a1", "alice"));
  book.add(make_job("b1", "bob"));
  book.add(make_job("c1", "carol"));
  REQUIRE(book.start("a1", 7, cancel_handle{}));
  REQUIRE(book.start("b1", 8, cancel_handle{}));
  REQUIRE(book.requeue("b1"));
  REQUIRE(book.start("b1", 9, cancel_handle{})); // its second start
  auto ids = book.requeue_for_shutdown();
  std::sort(ids.begin(), ids.end());
  CHECK(ids == std::vector<std::string>{"a1", "b1"});
  CHECK(book.find("a1")->value.status == job_status::queued);
  CHECK(book.find("a1")->value.attempts == 0);
  CHECK(book.find("a1")->value.started_at == 0);
  CHECK(book.find("b1")->value.attempts == 1); // the crash before still counts
  CHECK(book.find("c1")->value.attempts == 0); // never started: untouched
  CHECK(book.running_on(7) == nullptr);
  CHECK(book.running_on(9) == nullptr);
  CHECK(book.stats().running == 0);
  CHECK(book.stats().queued == 3);
  CHECK(book.requeue_for_shutdown().empty());
}
