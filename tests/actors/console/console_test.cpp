// The console actor on virtual time: directory, exits, snapshot JSON, viewer stream, actions.
#include "actor_fixture.hpp"

#include "actors/protocol/atoms.hpp"
#include "actors/console/console.hpp"
#include "actors/scheduling/dispatcher.hpp"
#include "actors/node/node.hpp"

#include <caf/actor_cast.hpp>
#include <caf/after.hpp>
#include <caf/event_based_actor.hpp>

#include <nlohmann/json.hpp>

#include <catch2/catch.hpp>

using namespace factord::actors;
using namespace std::chrono_literals;
using factord::testing::actor_fixture;
using json = nlohmann::json;

namespace {

caf::behavior quiet_actor(caf::event_based_actor*) {
  return {[](probe_atom) { return probe_sample{}; }};
}

json snapshot(actor_fixture& f, const caf::actor& console) {
  f.self->send(console, snapshot_atom::value);
  f.sched.run();
  std::string text;
  f.self->receive([&](std::string& s) { text = std::move(s); },
                  caf::after(0s) >> [] { FAIL("no snapshot"); });
  return json::parse(text);
}

const json* find_actor(const json& list, std::uint64_t id) {
  for (const auto& a : list)
    if (a["id"].get<std::uint64_t>() == id) return &a;
  return nullptr;
}

} // namespace

TEST_CASE("registered actors are listed with their probes, exits are recorded", "[actor][actors][console]") {
  actor_fixture f;
  auto console = spawn_console(f.sys);
  auto d = f.sys.spawn(dispatcher, console, scheduling_settings{});
  register_actor(console, d, "dispatcher", 0, "");
  auto q = f.sys.spawn(quiet_actor);
  register_actor(console, q, "ws-session", 0, "alice");
  f.sched.run();

  auto snap = snapshot(f, console);
  CHECK(snap["type"] == "snapshot");
  auto* entry = find_actor(snap["actors"], d.id());
  REQUIRE(entry != nullptr);
  CHECK((*entry)["kind"] == "dispatcher");
  CHECK((*entry)["state"].contains("callers_waiting"));
  REQUIRE(find_actor(snap["actors"], q.id()) != nullptr);
  CHECK((*find_actor(snap["actors"], q.id()))["role"] == "alice");
  CHECK(find_actor(snap["actors"], console.id()) != nullptr);

  f.self->send_exit(q, caf::exit_reason::user_shutdown);
  f.sched.run();
  snap = snapshot(f, console);
  CHECK(find_actor(snap["actors"], q.id()) == nullptr);
  REQUIRE(snap["exited"].size() == 1);
  CHECK(snap["exited"][0]["role"] == "alice");
  CHECK(snap["exited"][0]["reason"].get<std::string>().find("user_shutdown") != std::string::npos);
  CHECK_FALSE(sampling_enabled.load()); // nobody watching: no periodic sampling

  for (auto& a : {console, d}) f.self->send_exit(a, caf::exit_reason::user_shutdown);
  f.sched.run();
}

TEST_CASE("a viewer gets a snapshot, then deltas at its interval", "[actor][actors][console]") {
  actor_fixture f;
  auto console = spawn_console(f.sys);
  f.sched.run();
  auto viewer = caf::actor_cast<caf::actor>(f.self);
  f.self->send(console, subscribe_atom::value, viewer, caf::timespan{500ms});
  f.sched.run();
  auto next_frame = [&] {
    std::string frame;
    f.self->receive([&](viewframe_atom, std::string& s) { frame = std::move(s); }, caf::after(0s) >> [] {});
    return frame.empty() ? json() : json::parse(frame);
  };
  CHECK(next_frame()["type"] == "snapshot");
  CHECK(sampling_enabled.load());
  auto q = f.sys.spawn(quiet_actor);
  register_actor(console, q, "caller-queue", 0, "bob");
  f.advance(500ms);
  auto delta = next_frame();
  REQUIRE(delta["type"] == "delta");
  CHECK(find_actor(delta["upserted"], q.id()) != nullptr);
  f.self->send_exit(q, caf::exit_reason::user_shutdown);
  f.advance(500ms);
  delta = next_frame();
  REQUIRE(delta["type"] == "delta");
  REQUIRE(delta["removed"].size() == 1);
  CHECK(delta["removed"][0].get<std::uint64_t>() == q.id());
  // A new interval takes effect.
  f.self->send(console, subscribe_atom::value, viewer, caf::timespan{2s});
  f.advance(500ms);
  next_frame(); // the change itself may bring one frame
  f.advance(500ms);
  CHECK(next_frame().is_null());
  f.self->send_exit(console, caf::exit_reason::user_shutdown);
  f.sched.run();
  sampling_enabled = false;
}

TEST_CASE("console actions reach the dispatcher and refuse nonsense", "[actor][actors][console]") {
  actor_fixture f;
  auto console = spawn_console(f.sys);
  auto d = f.sys.spawn(dispatcher, console, scheduling_settings{});
  node n;
  n.dispatcher = d;
  attach_console(console, n.jobs, n.dispatcher);
  f.sched.run();
  auto act = [&](const console_action& a) {
    f.self->send(console, action_atom::value, a);
    f.sched.run();
    action_result r;
    f.self->receive([&](action_result& got) { r = got; }, caf::after(0s) >> [] { FAIL("no reply"); });
    return r;
  };
  console_action pause;
  pause.action = "pause_caller";
  pause.caller = "alice";
  CHECK(act(pause).ok);
  f.self->send(d, enqueue_atom::value, job_ticket{"a-1", "alice", "91"});
  f.sched.run();
  caller_fairness view;
  f.self->send(d, fairness_atom::value);
  f.sched.run();
  f.self->receive([&](caller_fairness& got) { view = got; });
  REQUIRE(view.callers.size() == 1);
  CHECK(view.callers[0].paused);
  console_action bad;
  bad.action = "set_weight";
  bad.caller = "alice";
  bad.weight = 1000;
  CHECK_FALSE(act(bad).ok);
  bad.action = "explode";
  CHECK(act(bad).message.find("unknown action") != std::string::npos);
  console_action close;
  close.action = "close_session";
  close.actor = 424242;
  auto closed = act(close);
  CHECK_FALSE(closed.ok);
  CHECK(closed.not_found); // HTTP 404: the session is not there, the request was fine
  CHECK_FALSE(act(bad).not_found);
  for (auto& a : {console, d}) f.self->send_exit(a, caf::exit_reason::user_shutdown);
  f.sched.run();
}
