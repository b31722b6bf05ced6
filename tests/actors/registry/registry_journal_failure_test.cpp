// Honest acknowledgements when the journal cannot write: every reply about a job leaves only
// after the commit that holds the state it tells of, and a failed commit turns those replies
// into 503 journal_unavailable. The disk is made full through an SQLite VFS (full_disk.hpp)
// under the real journal.
#include "registry/registry_fixture.hpp"

#include <future>

using namespace factord::actors;
using namespace std::chrono_literals;
using factord::testing::disk_full_scope;
using factord::testing::registry_fixture;

namespace {

bool journal_unavailable(const job_reply& r) {
  return !r.ok && r.error.code == api_errc::not_ready && r.error.reason == "journal_unavailable";
}

// Every reply the test actor got, in order.
std::vector<job_reply> drain_replies(registry_fixture& f) {
  std::vector<job_reply> out;
  bool more = true;
  while (more)
    f.self->receive([&](job_reply& r) { out.push_back(std::move(r)); },
                    caf::after(0s) >> [&] { more = false; });
  return out;
}

} // namespace

TEST_CASE("a submission whose commit fails is refused and forgotten", "[actor][actors][registry][journal]") {
  registry_fixture f;
  job_reply r;
  {
    disk_full_scope full;
    r = f.submit("alice", "91");
  }
  CHECK(journal_unavailable(r));
  CHECK(r.error.message.find("nothing was accepted") != std::string::npos);
  CHECK(r.error.retry_after == std::chrono::seconds{1});
  CHECK_FALSE(f.take()); // never reached the dispatcher
  // The disk has room again: the next submission is accepted and runs.
  auto ok = f.submit("alice", "91");
  REQUIRE(ok.ok);
  CHECK(ok.created);
  REQUIRE(f.take());
  CHECK_FALSE(f.take());
}

TEST_CASE("a repeat of an idempotency key waits for the first submission's commit",
          "[actor][actors][registry][journal]") {
  registry_fixture f;
  {
    disk_full_scope full;
    // Both in the mailbox before the group commit: the repeat finds the uncommitted job.
    f.self->send(f.registry, submit_atom::value, submission{"alice", "91", "k1", {}, {}});
    f.self->send(f.registry, submit_atom::value, submission{"alice", "91", "k1", {}, {}});
    f.sched.run();
  }
  auto replies = drain_replies(f);
  REQUIRE(replies.size() == 2);
  CHECK(journal_unavailable(replies[0]));
  CHECK(journal_unavailable(replies[1])); // not a 200 for a job that was never accepted
  CHECK_FALSE(f.take());
  // Retried with the disk back: one job, and the repeat names it.
  f.self->send(f.registry, submit_atom::value, submission{"alice", "91", "k1", {}, {}});
  f.self->send(f.registry, submit_atom::value, submission{"alice", "91", "k1", {}, {}});
  f.sched.run();
  replies = drain_replies(f);
  REQUIRE(replies.size() == 2);
  REQUIRE(replies[0].ok);
  REQUIRE(replies[1].ok);
  CHECK(replies[0].created);
  CHECK_FALSE(replies[1].created);
  CHECK(replies[1].value.request_id == replies[0].value.request_id);
}

TEST_CASE("a DELETE whose commit fails is a 503, and the cancel is committed once the disk recovers",
          "[actor][actors][registry][journal]") {
  registry_fixture f;
  auto r = f.submit("alice", "91");
  REQUIRE(r.ok);
  const auto id = r.value.request_id;
  {
    disk_full_scope full;
    auto c = f.cancel(id);
    CHECK(journal_unavailable(c));
    CHECK(c.error.message.find("not durable") != std::string::npos);
    // A GET tells nothing that is not committed either; it waits for the retry, which fails.
    f.self->send(f.registry, fetch_atom::value, id, caf::timespan{0}, as_admin());
    f.sched.run();
    CHECK(drain_replies(f).empty());
    f.advance(factord::config::limits::journal_retry_interval);
    auto held = drain_replies(f);
    REQUIRE(held.size() == 1);
    CHECK(journal_unavailable(held[0]));
  }
  // The retry timer commits the dirty state by itself, without a new request.
  f.advance(factord::config::limits::journal_retry_interval);
  CHECK(f.fetch(id).value.status == job_status::cancelled);
  f.stop();
  f.start(); // a restart reads the journal: the cancel is there
  CHECK(f.fetch(id).value.status == job_status::cancelled);
  CHECK_FALSE(f.take());
}

TEST_CASE("a restart after a DELETE that was answered 503 runs the job again",
          "[actor][actors][registry][journal]") {
  registry_fixture f;
  auto r = f.submit("alice", "91");
  REQUIRE(r.ok);
  {
    disk_full_scope full;
    CHECK(journal_unavailable(f.cancel(r.value.request_id)));
    f.stop(); // the process dies with the disk still full
  }
  f.start();
  CHECK(f.fetch(r.value.request_id).value.status == job_status::queued);
  auto t = f.take();
  REQUIRE(t);
  CHECK(t->request_id == r.value.request_id);
}

TEST_CASE("a long-poll hears of a result only after its commit", "[actor][actors][registry][journal]") {
  registry_fixture f;
  auto r = f.submit("alice", "91");
  REQUIRE(r.ok);
  auto t = f.take();
  REQUIRE(t);
  auto h = f.start_job(*t);
  f.self->send(f.registry, fetch_atom::value, r.value.request_id, caf::timespan{30s}, as_admin());
  f.sched.run();
  CHECK(drain_replies(f).empty());
  {
    disk_full_scope full;
    f.finish_job(*t, h);
    auto replies = drain_replies(f);
    REQUIRE(replies.size() == 1);
    CHECK(journal_unavailable(replies[0])); // not "done" while done is not durable
  }
  f.advance(factord::config::limits::journal_retry_interval);
  auto done = f.fetch(r.value.request_id);
  CHECK(done.value.status == job_status::done);
  f.stop();
  f.start();
  CHECK(f.fetch(r.value.request_id).value.status == job_status::done);
}

TEST_CASE("a session is told of a result once it is committed, not before",
          "[actor][actors][registry][journal]") {
  registry_fixture f;
  f.self->send(f.registry, submit_atom::value,
               submission{"alice", "91", {}, caf::actor_cast<caf::actor>(f.self), {}});
  f.sched.run();
  auto accepted = drain_replies(f);
  REQUIRE(accepted.size() == 1);
  REQUIRE(accepted[0].ok);
  auto t = f.take();
  REQUIRE(t);
  auto h = f.start_job(*t);
  auto told = [&] {
    std::optional<job> got;
    f.self->receive([&](jobdone_atom, job& j) { got = std::move(j); }, caf::after(0s) >> [] {});
    return got;
  };
  {
    disk_full_scope full;
    f.finish_job(*t, h);
    CHECK_FALSE(told());
    f.advance(factord::config::limits::journal_retry_interval); // the retry fails too
    CHECK_FALSE(told());
  }
  f.advance(factord::config::limits::journal_retry_interval);
  auto j = told();
  REQUIRE(j);
  CHECK(j->status == job_status::done);
  CHECK(j->factors == std::vector<std::string>{"7", "13"});
}

TEST_CASE("a failed commit refuses a batch whole and keeps earlier jobs",
          "[actor][actors][registry][journal]") {
  registry_fixture f;
  auto first = f.submit("alice", "91");
  REQUIRE(first.ok);
  batch_reply b;
  {
    disk_full_scope full;
    b = f.ask<batch_reply>(batch_atom::value, batch_submission{"alice", {"15", "21", "35"}, {}});
  }
  CHECK_FALSE(b.ok);
  CHECK(b.error.reason == "journal_unavailable");
  CHECK(f.fetch(first.value.request_id).ok);
  REQUIRE(f.take());
  CHECK_FALSE(f.take());
  CHECK(f.ask<registry_stats>(stats_atom::value).journal_errors >= 1);
}

TEST_CASE("a job unfinished at a restart starts its engine only after its attempt is journalled",
          "[actor][actors][registry][journal]") {
  registry_fixture f;
  auto r = f.submit("alice", "91");
  REQUIRE(r.ok);
  auto fresh = f.take();
  REQUIRE(fresh);
  CHECK_FALSE(fresh->record_start_first); // fresh jobs start at once; their start is journalled lazily
  f.stop();
  f.start();
  auto t = f.take();
  REQUIRE(t);
  CHECK(t->record_start_first);
  std::future<bool> recorded;
  {
    disk_full_scope full;
    auto h = f.start_job(*t);
    recorded = std::async(std::launch::async, [h] { return h.wait_start_recorded(); });
    // The start cannot be committed: the worker would still be waiting, not computing.
    CHECK(recorded.wait_for(std::chrono::milliseconds(200)) == std::future_status::timeout);
  }
  f.advance(factord::config::limits::journal_retry_interval);
  REQUIRE(recorded.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
  CHECK(recorded.get());
  f.stop();
  f.start(); // the attempt is in the journal
  CHECK(f.fetch(r.value.request_id).value.attempts == 1);
}
