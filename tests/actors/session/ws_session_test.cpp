// ws-session against the real registry and dispatcher, on virtual time. The test plays the
// factor worker (so it decides when a number finishes) and the socket (fake_connection).
#include "actor_fixture.hpp"

#include "actors/protocol/atoms.hpp"
#include "actors/scheduling/dispatcher.hpp"
#include "actors/scheduling/factor_worker.hpp"
#include "actors/registry/job_registry.hpp"
#include "actors/session/ws_session.hpp"
#include "config/limits.hpp"

#include <caf/actor_cast.hpp>
#include <caf/after.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <unistd.h>

using namespace factord::actors;
using namespace std::chrono_literals;
using factord::testing::actor_fixture;

namespace {

struct fake_connection : ws_connection {
  std::vector<std::string> sent;
  std::optional<session_close> closed_for;
  void send_text(std::string text) override { sent.push_back(std::move(text)); }
  void close(session_close why) override { closed_for = why; }
};

struct session_fixture : actor_fixture {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("factord-ws-test-" + std::to_string(::getpid()) + "-" +
                                                std::to_string(reinterpret_cast<std::uintptr_t>(this)));
  std::shared_ptr<fake_connection> socket = std::make_shared<fake_connection>();
  caf::actor dispatch;
  job_registry_actor registry;
  caf::actor session;

  explicit session_fixture(submit_limits limits = {}) {
    factord::config::settings settings;
    auto opened = journal::open(dir.string());
    REQUIRE(opened);
    dispatch = sys.spawn(dispatcher, caf::actor{}, scheduling_settings{});
    registry = sys.spawn(job_registry, dispatch, std::shared_ptr<journal>(std::move(opened).value()),
                         settings, std::vector<job>{}, std::vector<job>{});
    session = spawn_ws_session(sys, socket, registry,
                               ws_session_config{"alice", 5s, caf::actor{}, caf::actor{}, std::move(limits)});
    sched.run();
  }
  ~session_fixture() {
    for (auto& a : {session, caf::actor_cast<caf::actor>(registry), dispatch})
      self->send_exit(a, caf::exit_reason::user_shutdown);
    sched.run();
    std::filesystem::remove_all(dir);
  }

  void frame(const std::string& text) {
    deliver_frame(session, text);
    sched.run();
  }

  // Acts as a factor worker: takes the next job and reports its (real) result.
  bool work_one() {
    self->send(dispatch, demand_atom::value, caf::actor_cast<caf::actor>(self));
    sched.run();
    bool worked = false;
    self->receive(
        [&](job_atom, const job_ticket& ticket, const cancel_handle& handle) {
          self->send(registry, started_atom::value, ticket.request_id, handle,
                     caf::actor_cast<caf::actor>(self));
          self->send(registry, finished_atom::value, run_job(ticket, worker_limits{}, handle));
          worked = true;
        },
        caf::after(0s) >> [] {});
    sched.run();
    return worked;
  }

  bool closed() const { return socket->closed_for.has_value(); }
};

} // namespace

TEST_CASE("numbers over the rate get error frames, and 10 in a row close the socket 1008",
          "[actor][actors][ws_session]") {
  submit_limits limits;
  limits.rate_key = "ip:192.0.2.7";
  limits.rate = 0.001; // one token per 1000 s: nothing refills during the test
  limits.burst = 1;
  session_fixture f(limits);
  f.frame("15"); // the burst: accepted, in flight
  for (unsigned i = 0; i < factord::config::limits::ws_refusals_before_close - 1; ++i) f.frame("21");
  REQUIRE(f.socket->sent.size() == factord::config::limits::ws_refusals_before_close - 1);
  for (const auto& text : f.socket->sent) CHECK(text.rfind("error: too many submissions", 0) == 0);
  CHECK_FALSE(f.closed()); // 9 refusals: still open
  f.frame(R"({"type":"message","content":"35","userid":"alice"})");
  CHECK(f.socket->sent.back().find(R"("type":"error")") != std::string::npos);
  CHECK(f.socket->closed_for == session_close::rate_limited);
  // The accepted number is still answered while the close is under way.
  CHECK(f.work_one());
  CHECK(f.socket->sent.back() == "15 : [3 5]");
}

TEST_CASE("an idle socket closes after exactly the idle timeout", "[actor][actors][ws_session]") {
  session_fixture f;
  f.advance(4999ms);
  CHECK_FALSE(f.closed());
  f.advance(1ms);
  CHECK(f.socket->closed_for == session_close::idle);
}

TEST_CASE("every frame restarts the idle timer, earlier ticks do not close early",
          "[actor][actors][ws_session]") {
  session_fixture f;
  for (int i = 0; i < 4; ++i) {
    f.advance(1s);
    f.frame("not a number"); // answered at once with an error, nothing in flight
  }
  CHECK(f.socket->sent.size() == 4);
  CHECK(f.socket->sent[0].rfind("error: ", 0) == 0);
  f.advance(4999ms); // t = 8.999 s, last frame at 4 s
  CHECK_FALSE(f.closed());
  f.advance(1ms);
  CHECK(f.closed());
}

TEST_CASE("the socket stays open while a number is being factored", "[actor][actors][ws_session]") {
  session_fixture f;
  f.frame("91");
  f.advance(60s); // no worker has taken the job yet: in flight, not idle
  CHECK_FALSE(f.closed());
  CHECK(f.socket->sent.empty());
  REQUIRE(f.work_one());
  REQUIRE(f.socket->sent.size() == 1);
  CHECK(f.socket->sent[0] == "91 : [7 13]");
  // The countdown starts again from the last result.
  f.advance(4999ms);
  CHECK_FALSE(f.closed());
  f.advance(1ms);
  CHECK(f.closed());
}

TEST_CASE("several numbers in flight, bare and JSON, each answered in its own form",
          "[actor][actors][ws_session]") {
  session_fixture f;
  f.frame("3211891798434562153");
  f.frame(R"({"type":"message","content":"16","userid":"u1"})");
  f.frame(R"({"type":"message","content":1000000016000000063})");
  f.frame(R"({"type":"message"})");
  f.frame("{oops");
  f.frame("-5");
  REQUIRE(f.socket->sent.size() == 3); // the three bad frames, answered at once
  CHECK(f.socket->sent[0].find("\"type\":\"error\"") != std::string::npos);
  CHECK(f.socket->sent[1].find("malformed JSON") != std::string::npos);
  CHECK(f.socket->sent[2].rfind("error: ", 0) == 0);
  while (f.work_one()) {}
  REQUIRE(f.socket->sent.size() == 6);
  CHECK(f.socket->sent[3] == "3211891798434562153 : [1000000087 3211891519]");
  CHECK(f.socket->sent[4].find("\"content\":\"16 : [2 2 2 2]\"") != std::string::npos);
  CHECK(f.socket->sent[4].find("\"userid\":\"u1\"") != std::string::npos);
  CHECK(f.socket->sent[5].find("\"factors\":[\"1000000007\",\"1000000009\"]") != std::string::npos);
  CHECK_FALSE(f.closed());
}

TEST_CASE("a closed socket ends its session actor", "[actor][actors][ws_session]") {
  session_fixture f;
  deliver_closed(f.session);
  f.sched.run();
  // A frame to a dead actor is dropped, not answered.
  f.frame("91");
  CHECK(f.socket->sent.empty());
}

TEST_CASE("without cluster mode a client_message frame is refused", "[actor][actors][ws_session]") {
  session_fixture f;
  f.frame(R"({"type":"client_message","text":"hi","userid":"alice"})");
  REQUIRE(f.socket->sent.size() == 1);
  CHECK(f.socket->sent[0].find("only in cluster mode") != std::string::npos);
}

TEST_CASE("cluster mode: commands are pushed to the socket, client_messages relayed and acked",
          "[actor][actors][ws_session]") {
  actor_fixture f;
  auto socket = std::make_shared<fake_connection>();
  struct seen_by_bridge {
    std::vector<std::string> hellos;
    std::vector<std::pair<std::string, std::string>> relayed;
  };
  auto seen = std::make_shared<seen_by_bridge>();
  auto bridge = f.sys.spawn([seen](caf::event_based_actor*) -> caf::behavior {
    return {
        [seen](hello_atom, const std::string& client, const caf::actor&) { seen->hellos.push_back(client); },
        [seen](relay_atom, const std::string& client, const std::string& frame) {
          seen->relayed.emplace_back(client, frame);
          return std::string(seen->relayed.size() == 1 ? "" : "broker down");
        },
    };
  });
  auto session = spawn_ws_session(f.sys, socket, registry_api{},
                                  ws_session_config{"carol", 5s, caf::actor{}, bridge, {}});
  f.sched.run();
  REQUIRE(seen->hellos == std::vector<std::string>{"carol"});

  f.self->send(session, command_atom::value, std::string(R"({"type":"command","hello":"world"})"));
  f.sched.run();
  REQUIRE(socket->sent.size() == 1);
  CHECK(socket->sent[0] == R"({"type":"command","hello":"world"})");

  const std::string message = R"({"type":"client_message","text":"hi"})";
  deliver_frame(session, message);
  f.sched.run();
  REQUIRE(seen->relayed.size() == 1);
  CHECK(seen->relayed[0] == std::make_pair(std::string("carol"), message));
  REQUIRE(socket->sent.size() == 2);
  CHECK(socket->sent[1] == R"({"type":"ack","of":"client_message"})");

  deliver_frame(session, message); // the bridge now says the broker is down
  f.sched.run();
  REQUIRE(socket->sent.size() == 3);
  CHECK(socket->sent[2].find("not published: broker down") != std::string::npos);

  for (auto& a : {session, bridge}) f.self->send_exit(a, caf::exit_reason::user_shutdown);
  f.sched.run();
}
