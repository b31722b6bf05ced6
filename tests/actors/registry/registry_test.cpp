// job-registry on virtual time with a real journal; the test plays dispatcher and workers.
#include "registry/registry_fixture.hpp"

using namespace factord::actors;
using namespace std::chrono_literals;
using factord::testing::registry_fixture;

TEST_CASE("submit, run, fetch: the job goes queued -> running -> done", "[actor][actors][registry]") {
  registry_fixture f;
  auto r = f.submit("alice", " +0091 ");
  REQUIRE(r.ok);
  CHECK(r.created);
  CHECK(r.value.number == "91");
  CHECK(f.fetch(r.value.request_id).value.status == job_status::queued);
  auto t = f.take();
  REQUIRE(t);
  auto h = f.start_job(*t);
  CHECK(f.fetch(r.value.request_id).value.status == job_status::running);
  f.finish_job(*t, h);
  auto done = f.fetch(r.value.request_id).value;
  CHECK(done.status == job_status::done);
  CHECK(done.factors == std::vector<std::string>{"7", "13"});
  CHECK(done.finished_at >= done.started_at);
  CHECK_FALSE(f.fetch("nope").ok);
  CHECK(f.fetch("nope").error.code == api_errc::not_found);
}

TEST_CASE("invalid numbers are rejected with the engine's reason", "[actor][actors][registry]") {
  registry_fixture f;
  for (auto [text, reason] : {std::pair{"", "empty_input"},
                              {"0", "not_positive"},
                              {"-3", "not_positive"},
                              {"1.5", "not_an_integer"},
                              {"x", "not_a_number"}}) {
    auto r = f.submit("alice", text);
    CHECK_FALSE(r.ok);
    CHECK(r.error.code == api_errc::invalid_number);
    CHECK(r.error.reason == reason);
  }
  CHECK(f.submit("alice", std::string(301, '7')).error.reason == "too_many_digits");
}

TEST_CASE("the same idempotency key from the same caller never creates a second job",
          "[actor][actors][registry]") {
  registry_fixture f;
  auto a = f.submit("alice", "91", "k1");
  auto again = f.submit("alice", "91", "k1");
  auto bob = f.submit("bob", "91", "k1");
  CHECK(again.value.request_id == a.value.request_id);
  CHECK_FALSE(again.created);
  CHECK(bob.value.request_id != a.value.request_id);
  REQUIRE(f.take());
  REQUIRE(f.take());
  CHECK_FALSE(f.take()); // two jobs, not three
}

TEST_CASE("queue bounds answer queue_full with Retry-After", "[actor][actors][registry]") {
  factord::config::settings s;
  s.max_queued_per_caller = 2;
  s.max_queued = 3;
  registry_fixture f(s);
  CHECK(f.submit("alice", "6").ok);
  CHECK(f.submit("alice", "6").ok);
  auto over = f.submit("alice", "6");
  CHECK(over.error.code == api_errc::queue_full);
  CHECK(over.error.reason == "caller_queue_full");
  CHECK(over.error.retry_after.count() > 0);
  CHECK(f.submit("bob", "6").ok);
  CHECK(f.submit("carol", "6").error.reason == "server_queue_full");
  // A batch is all or none.
  auto batch = f.ask<batch_reply>(batch_atom::value, batch_submission{"dave", {"6", "6"}, {}});
  CHECK_FALSE(batch.ok);
}

TEST_CASE("a batch is accepted whole, or refused whole at its first bad number",
          "[actor][actors][registry]") {
  registry_fixture f;
  auto ok = f.ask<batch_reply>(batch_atom::value, batch_submission{"alice", {"6", "10", "15"}, {}});
  REQUIRE(ok.ok);
  REQUIRE(ok.jobs.size() == 3);
  CHECK(ok.jobs[1].number == "10");
  auto bad = f.ask<batch_reply>(batch_atom::value, batch_submission{"bob", {"6", "zero", "15"}, {}});
  CHECK_FALSE(bad.ok);
  CHECK(bad.bad_index == 1);
  int taken = 0;
  while (f.take()) ++taken;
  CHECK(taken == 3);
}

TEST_CASE("cancel: a queued job never runs, a running job's flag is raised", "[actor][actors][registry]") {
  registry_fixture f;
  auto queued = f.submit("alice", "91");
  auto c = f.cancel(queued.value.request_id);
  REQUIRE(c.ok);
  CHECK(c.value.status == job_status::cancelled);
  CHECK_FALSE(f.take());
  auto running = f.submit("alice", "92");
  auto t = f.take();
  REQUIRE(t);
  auto h = f.start_job(*t);
  f.cancel(running.value.request_id);
  CHECK(h.state() == cancel_handle::cancel);
  f.finish_job(*t, h); // a late result does not overwrite the cancellation
  CHECK(f.fetch(running.value.request_id).value.status == job_status::cancelled);
}

TEST_CASE("a long-poll answers when the job finishes, or when the wait runs out",
          "[actor][actors][registry]") {
  registry_fixture f;
  auto r = f.submit("alice", "91");
  f.self->send(f.registry, fetch_atom::value, r.value.request_id, caf::timespan{2s}, as_admin());
  f.advance(1999ms);
  f.self->receive([](job_reply&) { FAIL("answered early"); }, caf::after(0s) >> [] {});
  f.advance(1ms);
  f.self->receive([](job_reply& got) { CHECK(got.value.status == job_status::queued); },
                  caf::after(0s) >> [] { FAIL("no answer after the wait"); });
  f.self->send(f.registry, fetch_atom::value, r.value.request_id, caf::timespan{2s}, as_admin());
  f.sched.run();
  auto t = f.take();
  REQUIRE(t);
  f.finish_job(*t, f.start_job(*t));
  f.self->receive([](job_reply& got) { CHECK(got.value.status == job_status::done); },
                  caf::after(0s) >> [] { FAIL("not answered on finish"); });
}

TEST_CASE("a crashed worker's job is re-queued, and fails after max attempts", "[actor][actors][registry]") {
  factord::config::settings s;
  s.max_attempts = 2;
  registry_fixture f(s);
  auto r = f.submit("alice", "91");
  for (int attempt = 1; attempt <= 2; ++attempt) {
    auto t = f.take();
    REQUIRE(t);
    f.start_job(*t);
    f.self->send(f.registry, lost_atom::value, caf::actor_cast<caf::actor_addr>(f.self));
    f.sched.run();
  }
  auto j = f.fetch(r.value.request_id).value;
  CHECK(j.status == job_status::failed);
  CHECK(j.error_code == "worker_crashed");
  CHECK_FALSE(f.take());
}

TEST_CASE("accepted jobs survive a restart and run again in their original order",
          "[actor][actors][registry]") {
  registry_fixture f;
  std::vector<std::string> ids;
  for (auto caller : {"alice", "bob", "alice"}) ids.push_back(f.submit(caller, "91").value.request_id);
  auto t = f.take();
  REQUIRE(t);
  f.start_job(*t); // running when the process "dies"
  f.stop();
  f.start();
  std::vector<std::string> order;
  while (auto next = f.take()) {
    order.push_back(next->request_id);
    f.finish_job(*next, f.start_job(*next));
  }
  CHECK(order == ids);
  for (const auto& id : ids) CHECK(f.fetch(id).value.status == job_status::done);
}

TEST_CASE("retention-max-jobs forgets the oldest finished jobs, in memory and in the journal",
          "[actor][actors][registry]") {
  factord::config::settings s;
  s.retention_max_jobs = 2;
  registry_fixture f(s);
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) {
    auto r = f.submit("alice", "91", "key-" + std::to_string(i));
    REQUIRE(r.ok);
    ids.push_back(r.value.request_id);
    auto t = f.take();
    REQUIRE(t);
    f.finish_job(*t, f.start_job(*t));
  }
  CHECK(f.fetch(ids[0]).error.code == api_errc::not_found);
  CHECK(f.fetch(ids[1]).error.code == api_errc::not_found);
  CHECK(f.fetch(ids[2]).value.status == job_status::done);
  CHECK(f.fetch(ids[3]).value.status == job_status::done);
  // A trimmed job's key is free again: the same key makes a new job.
  auto again = f.submit("alice", "91", "key-0");
  CHECK(again.created);
  CHECK(again.value.request_id != ids[0]);
  f.stop();
  auto opened = journal::open(f.dir.string());
  REQUIRE(opened);
  auto finished = (*opened)->finished_since(0);
  REQUIRE(finished);
  CHECK(finished->size() == 2); // the trimmed ones left the journal with a later commit
  for (const auto& j : *finished) CHECK((j.request_id == ids[2] || j.request_id == ids[3]));
  opened->reset();
  f.start();
}
