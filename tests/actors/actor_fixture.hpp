// An actor system on CAF's deterministic test coordinator: messages run only when the test
// says so, and time moves only when the test advances it (an idle timeout of 5 s takes no
// real time).
#pragma once

#include "config/log.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/atom.hpp>
#include <caf/scheduler/test_coordinator.hpp>
#include <caf/scoped_actor.hpp>

namespace factord::testing {

inline caf::actor_system_config& test_config(caf::actor_system_config& cfg) {
  // Keep test output to what matters: job-level info lines are noise here.
  logging::init(config::log_format::text, logging::level::warn);
  cfg.set("scheduler.policy", caf::atom("testing"));
  cfg.set("logger.inline-output", true);
  return cfg;
}

struct actor_fixture {
  caf::actor_system_config cfg;
  caf::actor_system sys{test_config(cfg)};
  caf::scoped_actor self{sys};
  caf::scheduler::test_coordinator& sched = dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler());

  // Runs every pending message, then moves the clock and runs what became due.
  void advance(caf::timespan d) {
    sched.run();
    sched.advance_time(d);
    sched.run();
  }
};

} // namespace factord::testing
