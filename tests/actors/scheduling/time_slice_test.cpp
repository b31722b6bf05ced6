// The dispatcher's time slices, slots and per-caller caps on the test coordinator: scoped
// actors play the worker threads and the pool, and time moves only when the test says.
#include "actor_fixture.hpp"

#include "actors/protocol/atoms.hpp"
#include "actors/scheduling/dispatcher.hpp"

#include <caf/actor_cast.hpp>
#include <caf/after.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <optional>

using namespace factord::actors;
using namespace std::chrono_literals;
using factord::testing::actor_fixture;

namespace {

struct received_job {
  job_ticket ticket;
  cancel_handle handle;
};

// A scheduler with `slots` slots, told so by `pool` (a scoped actor standing in for it).
struct slice_fixture : actor_fixture {
  caf::scoped_actor pool{sys};
  caf::actor d;

  explicit slice_fixture(std::uint32_t slots, scheduling_settings s = {100ms, 2, 0}) {
    d = sys.spawn(dispatcher, caf::actor{}, s);
    self->send(d, slots_atom::value, slots, caf::actor_cast<caf::actor>(pool));
    sched.run();
  }
  ~slice_fixture() {
    self->send_exit(d, caf::exit_reason::user_shutdown);
    sched.run();
  }
  slice_fixture(const slice_fixture&) = delete;
  slice_fixture& operator=(const slice_fixture&) = delete;

  void enqueue(const std::string& caller, int i, unsigned weight = 0) {
    self->send(d, enqueue_atom::value, job_ticket{caller + "-" + std::to_string(i), caller, "91", weight});
    sched.run();
  }
  // `worker` is idle (its job ended, or it is new).
  void demand(caf::scoped_actor& worker) {
    worker->send(d, demand_atom::value, caf::actor_cast<caf::actor>(worker));
    sched.run();
  }
  // The job `worker` was handed, if any.
  static std::optional<received_job> job_of(caf::scoped_actor& worker) {
    std::optional<received_job> got;
    worker->receive(
        [&](job_atom, const job_ticket& t, const cancel_handle& h) {
          got = received_job{t, h};
        },
        caf::after(0s) >> [] {});
    return got;
  }
  // The job parks as the worker would at the engine's next poll point.
  void park(caf::scoped_actor& worker, const cancel_handle& h) {
    REQUIRE(h.park());
    worker->send(d, suspended_atom::value, caf::actor_cast<caf::actor>(worker));
    sched.run();
  }
  dispatcher_stats stats() {
    dispatcher_stats s;
    self->send(d, stats_atom::value);
    sched.run();
    self->receive([&](dispatcher_stats& got) { s = got; });
    return s;
  }
  bool pool_asked_to_grow() {
    bool asked = false;
    pool->receive([&](grow_atom) { asked = true; }, caf::after(0s) >> [] {});
    return asked;
  }
};

} // namespace

TEST_CASE("a job past its slice yields to a waiting caller and resumes at its caller's next turn",
          "[actor][actors][dispatcher][slices]") {
  slice_fixture f(1);
  caf::scoped_actor w1{f.sys};
  caf::scoped_actor w2{f.sys};
  f.demand(w1);
  f.enqueue("heavy", 1);
  f.enqueue("heavy", 2);
  auto heavy = slice_fixture::job_of(w1);
  REQUIRE(heavy);
  CHECK(heavy->ticket.request_id == "heavy-1");
  f.enqueue("light", 1);
  f.advance(50ms);
  CHECK(heavy->handle.state() == cancel_handle::run); // within its slice
  f.advance(60ms);
  f.advance(30ms); // the next look at the slices
  CHECK(heavy->handle.state() == cancel_handle::yield);
  f.park(w1, heavy->handle);
  // The slot is free, every thread holds a parked job: the pool is asked for one more.
  CHECK(f.pool_asked_to_grow());
  CHECK(f.stats().suspended == 1);
  f.demand(w2); // the new thread
  auto light = slice_fixture::job_of(w2);
  REQUIRE(light);
  CHECK(light->ticket.request_id == "light-1");
  f.demand(w2); // light-1 ended: heavy's turn, and its parked job comes first
  CHECK(heavy->handle.state() == cancel_handle::run);
  CHECK(!slice_fixture::job_of(w2)); // the slot went to the resumed job
  auto s = f.stats();
  CHECK(s.suspended == 0);
  CHECK(s.suspensions == 1);
  CHECK(s.running == 1);
  f.demand(w1); // heavy-1 ended
  auto next = slice_fixture::job_of(w2);
  REQUIRE(next);
  CHECK(next->ticket.request_id == "heavy-2");
}

TEST_CASE("a job is not sliced while only its own caller waits, or when slicing is off",
          "[actor][actors][dispatcher][slices]") {
  SECTION("own backlog only") {
    slice_fixture f(1);
    caf::scoped_actor w1{f.sys};
    f.demand(w1);
    for (int i = 1; i <= 3; ++i) f.enqueue("heavy", i);
    auto job = slice_fixture::job_of(w1);
    REQUIRE(job);
    f.advance(10s);
    CHECK(job->handle.state() == cancel_handle::run);
  }
  SECTION("--time-slice 0") {
    slice_fixture f(1, {0ms, 2, 0});
    caf::scoped_actor w1{f.sys};
    f.demand(w1);
    f.enqueue("heavy", 1);
    f.enqueue("light", 1);
    auto job = slice_fixture::job_of(w1);
    REQUIRE(job);
    f.advance(10s);
    CHECK(job->handle.state() == cancel_handle::run);
  }
  SECTION("--max-suspended reached") {
    slice_fixture f(1, {100ms, 1, 0});
    caf::scoped_actor w1{f.sys};
    caf::scoped_actor w2{f.sys};
    f.demand(w1);
    f.enqueue("a", 1);
    f.enqueue("b", 1);
    f.enqueue("c", 1);
    auto a = slice_fixture::job_of(w1);
    REQUIRE(a);
    f.advance(200ms);
    f.park(w1, a->handle);
    f.demand(w2);
    auto b = slice_fixture::job_of(w2);
    REQUIRE(b);
    CHECK(b->ticket.request_id == "b-1");
    f.advance(10s); // c waits, but the one place to park is taken: b keeps its slot
    CHECK(b->handle.state() == cancel_handle::run);
  }
}

TEST_CASE("the longest-running job yields first, one per waiting caller",
          "[actor][actors][dispatcher][slices]") {
  slice_fixture f(2, {100ms, 4, 0});
  caf::scoped_actor w1{f.sys};
  caf::scoped_actor w2{f.sys};
  f.demand(w1);
  f.enqueue("a", 1);
  auto a = slice_fixture::job_of(w1);
  f.advance(50ms);
  f.demand(w2);
  f.enqueue("b", 1);
  auto b = slice_fixture::job_of(w2);
  REQUIRE(a);
  REQUIRE(b);
  f.enqueue("light", 1); // one caller waits
  f.advance(200ms);
  CHECK(a->handle.state() == cancel_handle::yield);
  CHECK(b->handle.state() == cancel_handle::run);
}

TEST_CASE("a parked job that is cancelled gives up its place, and the caller leaves",
          "[actor][actors][dispatcher][slices]") {
  slice_fixture f(1);
  caf::scoped_actor w1{f.sys};
  caf::scoped_actor w2{f.sys};
  f.demand(w1);
  f.enqueue("heavy", 1);
  f.enqueue("light", 1);
  auto heavy = slice_fixture::job_of(w1);
  REQUIRE(heavy);
  f.advance(200ms);
  f.park(w1, heavy->handle);
  f.demand(w2);
  REQUIRE(slice_fixture::job_of(w2));
  heavy->handle.stop(cancel_handle::cancel); // the registry cancels it
  CHECK(heavy->handle.state() == cancel_handle::cancel);
  f.demand(w1); // the worker's engine returned; it is idle
  auto s = f.stats();
  CHECK(s.suspended == 0);
  CHECK(s.running == 1);
  CHECK(s.callers_waiting == 0);
  f.demand(w2);
  CHECK(f.stats().running == 0);
}

TEST_CASE("a per-caller cap (--max-running-per-caller) limits the slots one caller holds",
          "[actor][actors][dispatcher][slices]") {
  slice_fixture f(2, {100ms, 2, 1});
  caf::scoped_actor w1{f.sys};
  caf::scoped_actor w2{f.sys};
  f.demand(w1);
  f.demand(w2);
  for (int i = 1; i <= 3; ++i) f.enqueue("heavy", i);
  CHECK(slice_fixture::job_of(w1));
  CHECK(!slice_fixture::job_of(w2)); // a second slot for heavy would pass its cap
  f.enqueue("light", 1);
  auto light = slice_fixture::job_of(w2);
  REQUIRE(light);
  CHECK(light->ticket.request_id == "light-1");
  f.demand(w1); // heavy-1 ended: heavy-2 takes its place
  auto next = slice_fixture::job_of(w1);
  REQUIRE(next);
  CHECK(next->ticket.request_id == "heavy-2");
}

TEST_CASE("a credential's weight gives turns in a row, an operator's weight wins over it",
          "[actor][actors][dispatcher]") {
  actor_fixture f;
  auto d = f.sys.spawn(dispatcher, caf::actor{}, scheduling_settings{});
  auto enqueue = [&](const std::string& caller, int i, unsigned weight) {
    f.self->send(d, enqueue_atom::value, job_ticket{caller + "-" + std::to_string(i), caller, "91", weight});
  };
  for (int i = 1; i <= 4; ++i) enqueue("gold", i, 3);
  for (int i = 1; i <= 4; ++i) enqueue("plain", i, 0);
  f.sched.run();
  auto next = [&] {
    f.self->send(d, demand_atom::value, caf::actor_cast<caf::actor>(f.self));
    f.sched.run();
    std::string got;
    f.self->receive([&](job_atom, const job_ticket& t, const cancel_handle&) { got = t.request_id; },
                    caf::after(0s) >> [] {});
    return got;
  };
  CHECK(next() == "gold-1");
  CHECK(next() == "gold-2");
  CHECK(next() == "gold-3");
  CHECK(next() == "plain-1");
  f.self->send(d, weight_atom::value, std::string("gold"), 1u); // the console's setting
  enqueue("gold", 5, 3);                                        // the credential's is ignored now
  f.sched.run();
  CHECK(next() == "gold-4");
  CHECK(next() == "plain-2");
  CHECK(next() == "gold-5");
  f.self->send_exit(d, caf::exit_reason::user_shutdown);
  f.sched.run();
}

TEST_CASE("a weighted caller at its cap does not keep others from a free slot",
          "[actor][actors][dispatcher][slices]") {
  slice_fixture f(2, {100ms, 2, 1});
  caf::scoped_actor w1{f.sys};
  caf::scoped_actor w2{f.sys};
  f.demand(w1);
  for (int i = 1; i <= 3; ++i) f.enqueue("gold", i, 5); // five turns in a row, but one slot at most
  REQUIRE(slice_fixture::job_of(w1));
  f.enqueue("plain", 1);
  f.demand(w2);
  auto plain = slice_fixture::job_of(w2);
  REQUIRE(plain);
  CHECK(plain->ticket.request_id == "plain-1");
}
