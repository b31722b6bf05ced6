#include "actor_fixture.hpp"

#include "actors/protocol/atoms.hpp"
#include "actors/scheduling/dispatcher.hpp"

#include <caf/actor_cast.hpp>
#include <caf/after.hpp>

#include <catch2/catch.hpp>

using namespace factord::actors;
using factord::testing::actor_fixture;

namespace {

job_ticket ticket(const std::string& caller, int i) {
  return {caller + "-" + std::to_string(i), caller, "91"};
}

// The scoped actor plays the worker: it asks for one job at a time.
std::string next_job(actor_fixture& f, const caf::actor& d) {
  f.self->send(d, demand_atom::value, caf::actor_cast<caf::actor>(f.self));
  f.sched.run();
  std::string got;
  f.self->receive([&](job_atom, const job_ticket& t, const cancel_handle&) { got = t.request_id; },
                  caf::after(std::chrono::seconds(0)) >> [] {});
  return got;
}

// The next `count` jobs, one demand at a time.
std::vector<std::string> next_jobs(actor_fixture& f, const caf::actor& d, int count) {
  std::vector<std::string> jobs;
  jobs.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) jobs.push_back(next_job(f, d));
  return jobs;
}

} // namespace

TEST_CASE("dispatcher serves three callers with uneven backlogs in turn", "[actor][actors][dispatcher]") {
  actor_fixture f;
  auto d = f.sys.spawn(dispatcher, caf::actor{}, scheduling_settings{});
  for (int i = 1; i <= 5; ++i) f.self->send(d, enqueue_atom::value, ticket("heavy", i));
  for (int i = 1; i <= 3; ++i) f.self->send(d, enqueue_atom::value, ticket("medium", i));
  f.self->send(d, enqueue_atom::value, ticket("light", 1));
  f.sched.run();
  CHECK(next_jobs(f, d, 9) == std::vector<std::string>{"heavy-1", "medium-1", "light-1", "heavy-2",
                                                       "medium-2", "heavy-3", "medium-3", "heavy-4",
                                                       "heavy-5"});
  CHECK(next_job(f, d).empty()); // nothing left: the demand waits
  // The waiting demand is served as soon as work arrives.
  f.self->send(d, enqueue_atom::value, ticket("late", 1));
  f.sched.run();
  std::string got;
  f.self->receive([&](job_atom, const job_ticket& t, const cancel_handle&) { got = t.request_id; },
                  caf::after(std::chrono::seconds(0)) >> [] {});
  CHECK(got == "late-1");
  f.self->send_exit(d, caf::exit_reason::user_shutdown);
  f.sched.run();
}

TEST_CASE("a caller arriving late is served before the heavy caller's backlog",
          "[actor][actors][dispatcher]") {
  actor_fixture f;
  auto d = f.sys.spawn(dispatcher, caf::actor{}, scheduling_settings{});
  for (int i = 1; i <= 1000; ++i) f.self->send(d, enqueue_atom::value, ticket("heavy", i));
  f.sched.run();
  CHECK(next_job(f, d) == "heavy-1");
  f.self->send(d, enqueue_atom::value, ticket("light", 1));
  f.sched.run();
  CHECK(next_job(f, d) == "heavy-2");
  CHECK(next_job(f, d) == "light-1"); // at most one heavy job in between
  f.self->send_exit(d, caf::exit_reason::user_shutdown);
  f.sched.run();
}

TEST_CASE("a cancelled waiting job is skipped and the demand still served", "[actor][actors][dispatcher]") {
  actor_fixture f;
  auto d = f.sys.spawn(dispatcher, caf::actor{}, scheduling_settings{});
  f.self->send(d, enqueue_atom::value, ticket("a", 1));
  f.self->send(d, enqueue_atom::value, ticket("a", 2));
  f.self->send(d, enqueue_atom::value, ticket("b", 1));
  f.self->send(d, cancel_atom::value, std::string("a"), std::string("a-1"));
  f.sched.run();
  CHECK(next_job(f, d) == "a-2");
  CHECK(next_job(f, d) == "b-1");
  CHECK(next_job(f, d).empty());
  // The standing demand takes the next job at once.
  f.self->send(d, enqueue_atom::value, ticket("x", 1));
  f.sched.run();
  f.self->receive([](job_atom, const job_ticket& t, const cancel_handle&) { CHECK(t.request_id == "x-1"); });
  // Cancel racing a dispatch: the dispatcher counts c-1 and sends the dispatch, but the
  // queue has already dropped it, so the demand comes back and e-1 is served instead.
  f.self->send(d, enqueue_atom::value, ticket("c", 1));
  f.self->send(d, enqueue_atom::value, ticket("e", 1));
  f.self->send(d, cancel_atom::value, std::string("c"), std::string("c-1"));
  CHECK(next_job(f, d) == "e-1");
  auto stats = [&] {
    dispatcher_stats s;
    f.self->send(d, stats_atom::value);
    f.sched.run();
    f.self->receive([&](dispatcher_stats& got) { s = got; });
    return s;
  }();
  CHECK(stats.callers_waiting == 0);
  f.self->send_exit(d, caf::exit_reason::user_shutdown);
  f.sched.run();
}

TEST_CASE("a paused caller is skipped until resumed, weights give turns in a row",
          "[actor][actors][dispatcher]") {
  actor_fixture f;
  auto d = f.sys.spawn(dispatcher, caf::actor{}, scheduling_settings{});
  f.self->send(d, pause_atom::value, std::string("a"));
  for (int i = 1; i <= 3; ++i) f.self->send(d, enqueue_atom::value, ticket("a", i));
  for (int i = 1; i <= 4; ++i) f.self->send(d, enqueue_atom::value, ticket("b", i));
  f.self->send(d, weight_atom::value, std::string("b"), 2u);
  f.sched.run();
  CHECK(next_job(f, d) == "b-1");
  CHECK(next_job(f, d) == "b-2");
  f.self->send(d, resume_atom::value, std::string("a"));
  f.sched.run();
  CHECK(next_jobs(f, d, 5) == std::vector<std::string>{"b-3", "b-4", "a-1", "a-2", "a-3"});
  caller_fairness view;
  f.self->send(d, fairness_atom::value);
  f.sched.run();
  f.self->receive([&](caller_fairness& got) { view = got; });
  // Everything served and the queues retired; only the job still running is shown.
  REQUIRE(view.callers.size() == 1);
  CHECK(view.callers[0].caller == "a");
  CHECK(view.callers[0].running == 1);
  CHECK(view.callers[0].queued == 0);
  CHECK(view.callers[0].ring_position == -1);
  f.self->send_exit(d, caf::exit_reason::user_shutdown);
  f.sched.run();
}
