// The job-registry on virtual time with a real journal; the test plays dispatcher and
// workers. Shared by registry_*_test.cpp.
#pragma once

#include "actor_fixture.hpp"

#include "actors/protocol/atoms.hpp"
#include "actors/scheduling/dispatcher.hpp"
#include "actors/scheduling/factor_worker.hpp"
#include "actors/registry/job_registry.hpp"
#include "registry/full_disk.hpp"

#include <caf/actor_cast.hpp>
#include <caf/after.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <unistd.h>

namespace factord::testing {

using namespace factord::actors;
using namespace std::chrono_literals;

struct registry_fixture : actor_fixture {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("factord-registry-test-" + std::to_string(::getpid()) + "-" +
                                                std::to_string(reinterpret_cast<std::uintptr_t>(this)));
  factord::config::settings settings;
  caf::actor dispatch;
  job_registry_actor registry;

  explicit registry_fixture(factord::config::settings s = {}) : settings(std::move(s)) { start(); }
  ~registry_fixture() {
    stop();
    std::filesystem::remove_all(dir);
  }

  void start() {
    full_disk::install(); // the real VFS until a test fills the disk
    auto opened = journal::open(dir.string());
    REQUIRE(opened);
    std::shared_ptr<journal> store(std::move(opened).value());
    auto recovered = store->unfinished();
    REQUIRE(recovered);
    auto finished = store->finished_since(0);
    REQUIRE(finished);
    dispatch = sys.spawn(dispatcher, caf::actor{}, scheduling_settings{});
    registry = sys.spawn(job_registry, dispatch, store, settings, *recovered, *finished);
    sched.run();
  }
  void stop() {
    self->send_exit(registry, caf::exit_reason::user_shutdown);
    self->send_exit(dispatch, caf::exit_reason::user_shutdown);
    sched.run();
  }

  template <class Reply, class... Ts>
  Reply ask(Ts&&... xs) {
    self->send(registry, std::forward<Ts>(xs)...);
    sched.run();
    Reply out;
    self->receive([&](Reply& r) { out = std::move(r); }, caf::after(0s) >> [] { FAIL("no reply"); });
    return out;
  }
  job_reply submit(const std::string& caller, const std::string& number, const std::string& key = {}) {
    return ask<job_reply>(submit_atom::value, submission{caller, number, key, {}, {}});
  }
  job_reply fetch(const std::string& id, const requester& who = as_admin()) {
    return ask<job_reply>(fetch_atom::value, id, caf::timespan{0}, who);
  }
  job_reply cancel(const std::string& id, const requester& who = as_admin()) {
    return ask<job_reply>(cancel_atom::value, id, who);
  }

  // Plays a worker: takes the next job; `finish` reports its real result.
  std::optional<job_ticket> take() {
    self->send(dispatch, demand_atom::value, caf::actor_cast<caf::actor>(self));
    sched.run();
    std::optional<job_ticket> got;
    self->receive([&](job_atom, job_ticket& t, const cancel_handle&) { got = std::move(t); },
                  caf::after(0s) >> [] {});
    return got;
  }
  cancel_handle start_job(const job_ticket& t) {
    cancel_handle h;
    self->send(registry, started_atom::value, t.request_id, h, caf::actor_cast<caf::actor>(self));
    sched.run();
    return h;
  }
  void finish_job(const job_ticket& t, const cancel_handle& h) {
    self->send(registry, finished_atom::value, run_job(t, factord::actors::worker_limits{}, h));
    sched.run();
  }
};

} // namespace factord::testing
