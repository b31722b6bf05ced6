#include "actors/scheduling/worker_pool.hpp"

#include "actors/protocol/atoms.hpp"
#include "actors/protocol/probe.hpp"
#include "config/log.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/spawn_options.hpp>
#include <caf/system_messages.hpp>

#include <algorithm>

namespace factord::actors {

caf::behavior worker_pool(caf::stateful_actor<worker_pool_state>* self, const caf::actor& dispatcher,
                          const worker_report_api& registry, unsigned count, unsigned spare,
                          worker_limits limits, const caf::actor& console) {
  auto spawn_worker = [=] {
    auto worker = self->spawn<caf::detached + caf::monitored>(factor_worker, dispatcher, registry, limits);
    register_actor(console, worker, "factor-worker", self->id(), "");
    self->state.workers.push_back(std::move(worker));
  };
  // The dispatcher runs `count` jobs at once, whatever the number of threads.
  self->send(dispatcher, slots_atom::value, static_cast<std::uint32_t>(count), caf::actor{self});
  for (unsigned i = 0; i < count; ++i) spawn_worker();

  self->set_down_handler([=](caf::down_msg& down) {
    auto& workers = self->state.workers;
    workers.erase(std::remove_if(workers.begin(), workers.end(),
                                 [&](const caf::actor& w) { return w.address() == down.source; }),
                  workers.end());
    if (self->state.draining) {
      if (workers.empty()) self->quit();
      return;
    }
    logging::error("worker_crashed", {{"reason", caf::to_string(down.reason)}});
    ++self->state.restarted;
    self->send(registry, lost_atom::value, down.source);
    spawn_worker();
  });

  return {
      [=](drain_atom) {
        self->state.draining = true;
        if (self->state.workers.empty()) {
          self->quit();
          return;
        }
        // A computing worker sees this only after its job returns; the registry has already
        // raised the shutdown flag of every running job, so that is soon.
        for (const auto& w : self->state.workers) self->send_exit(w, caf::exit_reason::user_shutdown);
      },
      [=](grow_atom) {
        // A thread for a free slot while the others hold parked jobs; bounded by the parked.
        if (!self->state.draining && self->state.workers.size() < std::size_t{count} + spare) spawn_worker();
      },
      [=](probe_atom) {
        return make_sample(probe{}, self->mailbox().size())
            .number("workers", static_cast<std::uint64_t>(self->state.workers.size()))
            .number("restarted", self->state.restarted);
      },
      [=](stats_atom) {
        return pool_stats{self->state.workers.size(), self->state.restarted};
      },
  };
}

} // namespace factord::actors
