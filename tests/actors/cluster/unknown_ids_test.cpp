// The gateway's lookups of ids it has not read yet (actors/cluster/unknown_ids.hpp): when a
// GET or DELETE is answered, and when a timer or a sync barrier is asked for. Promises are
// plain ints here; an answer is written "<promise> <how>" so a failure reads at a glance.
#include "actors/cluster/unknown_ids.hpp"
#include "actors/registry/job_book.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace factord::actors;
using namespace std::chrono_literals;

namespace {

using lookups = unknown_ids<int>;

struct jobs_read {
  std::set<std::string> ids;
  lookups::known_fn known() const {
    return [this](const lookups::lookup& l) { return ids.count(l.id) != 0; };
  }
};

lookups::lookup get(std::string id, int promise, std::chrono::nanoseconds wait = 0ns) {
  return {std::move(id), wait, promise, false, as_admin()};
}

lookups::lookup cancel(std::string id, int promise) {
  return {std::move(id), 0ns, promise, true, as_admin()};
}

const char* name(lookup_answer how) {
  switch (how) {
    case lookup_answer::fetch: return "fetch";
    case lookup_answer::cancel: return "cancel";
    case lookup_answer::not_found: return "not_found";
    case lookup_answer::kafka_unavailable: return "kafka_unavailable";
  }
  return "?";
}

std::vector<std::string> answers(const lookups::step& s) {
  std::vector<std::string> out;
  for (const auto& a : s.answers) out.push_back(std::to_string(a.request.promise) + " " + name(a.how));
  return out;
}

using list = std::vector<std::string>;

} // namespace

TEST_CASE("an id whose record comes with the next records is answered without a sync", "[cluster]") {
  lookups unknown;
  jobs_read jobs;
  CHECK(lookups::records_wait == 100ms);
  auto first = unknown.add(get("a", 1), false, jobs.known());
  CHECK(first.arm_timer); // the first lookup arms the timer ...
  CHECK(first.answers.empty());
  CHECK(first.sync == 0);
  CHECK_FALSE(unknown.add(get("b", 2), false, jobs.known()).arm_timer); // ... and only it

  jobs.ids = {"a"};
  CHECK(answers(unknown.on_records(jobs.known())) == list{"1 fetch"});
  CHECK(unknown.pending() == 1);
  jobs.ids.insert("b");
  CHECK(answers(unknown.on_records(jobs.known())) == list{"2 fetch"});

  auto timer = unknown.on_timer(jobs.known());
  CHECK(timer.answers.empty());
  CHECK(timer.sync == 0); // nothing left to look up
  CHECK(unknown.pending() == 0);
  CHECK(unknown.add(get("c", 3), false, jobs.known()).arm_timer); // a new wait, a new timer
}

TEST_CASE("an id still unknown after the short wait asks for one sync", "[cluster]") {
  lookups unknown;
  jobs_read jobs;
  unknown.add(get("a", 1), false, jobs.known());
  unknown.add(get("b", 2), false, jobs.known());
  auto timer = unknown.on_timer(jobs.known());
  CHECK(timer.answers.empty());
  CHECK(timer.sync == 1);
  CHECK(unknown.pending() == 2);

  // Once in a sync, a lookup waits for the sync's answer, even if its record comes first.
  jobs.ids = {"a"};
  CHECK(unknown.on_records(jobs.known()).answers.empty());
  CHECK(unknown.on_synced(7, true, jobs.known()).answers.empty()); // not the sync asked for
  CHECK(unknown.pending() == 2);
}

TEST_CASE("a lookup arriving while a sync runs waits for the next sync", "[cluster]") {
  lookups unknown;
  jobs_read jobs;
  unknown.add(get("a", 1), false, jobs.known());
  REQUIRE(unknown.on_timer(jobs.known()).sync == 1);

  // The running sync may have been asked before b's job was written: b needs its own.
  CHECK(unknown.add(get("b", 2), false, jobs.known()).arm_timer);
  auto timer = unknown.on_timer(jobs.known());
  CHECK(timer.sync == 0); // one sync at a time
  CHECK(timer.answers.empty());

  auto first = unknown.on_synced(1, true, jobs.known());
  CHECK(answers(first) == list{"1 not_found"});
  CHECK(first.sync == 2);
  CHECK(unknown.on_synced(1, true, jobs.known()).answers.empty()); // stale answer: ignored
  auto second = unknown.on_synced(2, true, jobs.known());
  CHECK(answers(second) == list{"2 not_found"});
  CHECK(second.sync == 0);
  CHECK(unknown.pending() == 0);
}

TEST_CASE("after a successful sync known ids are answered and unknown ones are not found", "[cluster]") {
  lookups unknown;
  jobs_read jobs;
  unknown.add(get("a", 1, 30s), false, jobs.known());
  unknown.add(get("b", 2), false, jobs.known());
  REQUIRE(unknown.on_timer(jobs.known()).sync == 1);
  jobs.ids = {"b"};
  auto synced = unknown.on_synced(1, true, jobs.known());
  CHECK(answers(synced) == list{"1 not_found", "2 fetch"});
  CHECK(synced.answers[1].request.id == "b");
  CHECK(synced.sync == 0);
}

TEST_CASE("after a failed sync unknown ids answer Kafka unavailable", "[cluster]") {
  lookups unknown;
  jobs_read jobs;
  unknown.add(get("a", 1), false, jobs.known());
  unknown.add(get("b", 2), false, jobs.known());
  REQUIRE(unknown.on_timer(jobs.known()).sync == 1);
  jobs.ids = {"b"};
  CHECK(answers(unknown.on_synced(1, false, jobs.known())) == list{"1 kafka_unavailable", "2 fetch"});
  CHECK(unknown.pending() == 0);
}

TEST_CASE("while Kafka is down lookups fail at once, with those of the running sync", "[cluster]") {
  lookups unknown;
  jobs_read jobs;
  auto alone = unknown.add(get("a", 1), true, jobs.known());
  CHECK(answers(alone) == list{"1 kafka_unavailable"});
  CHECK_FALSE(alone.arm_timer);
  CHECK(alone.sync == 0);

  unknown.add(get("b", 2), false, jobs.known());
  unknown.add(get("c", 3), false, jobs.known());
  REQUIRE(unknown.on_timer(jobs.known()).sync == 1);
  unknown.add(get("d", 4), false, jobs.known()); // waits for the records, not the sync
  jobs.ids = {"c"};
  auto down = unknown.add(get("e", 5), true, jobs.known());
  CHECK(answers(down) == list{"2 kafka_unavailable", "3 fetch", "5 kafka_unavailable"});
  CHECK(down.sync == 0);
  CHECK(unknown.on_synced(1, true, jobs.known()).answers.empty()); // nothing left for it
  CHECK(unknown.pending() == 1);
}

TEST_CASE("cancel lookups are answered as cancels", "[cluster]") {
  lookups unknown;
  jobs_read jobs;
  unknown.add(cancel("a", 1), false, jobs.known());
  unknown.add(get("a", 2, 5s), false, jobs.known());
  unknown.add(cancel("b", 3), false, jobs.known());
  jobs.ids = {"a"};
  auto records = unknown.on_records(jobs.known());
  CHECK(answers(records) == list{"1 cancel", "2 fetch"});
  CHECK(records.answers[1].request.wait == 5s); // the GET keeps its long-poll
  REQUIRE(unknown.on_timer(jobs.known()).sync == 1);
  CHECK(answers(unknown.on_synced(1, true, jobs.known())) == list{"3 not_found"});
}

TEST_CASE("many lookups for the same id share a timer and a sync, and all are answered", "[cluster]") {
  lookups unknown;
  jobs_read jobs;
  int armed = 0;
  for (int promise = 1; promise <= 5; ++promise)
    armed += unknown.add(get("x", promise), false, jobs.known()).arm_timer;
  CHECK(armed == 1);
  REQUIRE(unknown.on_timer(jobs.known()).sync == 1);
  for (int promise = 6; promise <= 8; ++promise) unknown.add(get("x", promise), false, jobs.known());
  CHECK(unknown.on_timer(jobs.known()).sync == 0);
  jobs.ids = {"x"};
  auto first = unknown.on_synced(1, true, jobs.known());
  CHECK(answers(first) == list{"1 fetch", "2 fetch", "3 fetch", "4 fetch", "5 fetch"});
  CHECK(first.sync == 2);
  CHECK(answers(unknown.on_synced(2, true, jobs.known())) == list{"6 fetch", "7 fetch", "8 fetch"});
}

// With the gateway's own `known` (job_book::find_for), another caller's job is no more
// known than an id nobody accepted: the same wait, the same sync, the same not_found.
TEST_CASE("another caller's job waits for the sync like an unknown id and is not found", "[cluster]") {
  job_book book;
  job alices;
  alices.request_id = "a";
  alices.caller_id = "alice";
  alices.number = "91";
  book.add(alices);
  auto known = [&book](const lookups::lookup& l) { return book.find_for(l.id, l.who) != nullptr; };
  lookups unknown;
  auto by = [](std::string id, int promise, requester who) {
    return lookups::lookup{std::move(id), 0ns, promise, false, std::move(who)};
  };
  unknown.add(by("a", 1, as_caller("bob")), false, known);      // alice's job
  unknown.add(by("nobody", 2, as_caller("bob")), false, known); // no such job
  unknown.add(by("a", 3, as_caller("alice")), false, known);
  unknown.add(by("a", 4, as_admin()), false, known);
  CHECK(answers(unknown.on_records(known)) == list{"3 fetch", "4 fetch"});
  auto timer = unknown.on_timer(known);
  CHECK(timer.answers.empty());
  CHECK(timer.sync == 1); // bob's lookup of alice's job costs a sync, as an unknown id does
  CHECK(answers(unknown.on_synced(1, true, known)) == list{"1 not_found", "2 not_found"});
}
