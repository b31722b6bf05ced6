#include "actors/worker_pool.hpp"

#include "actors/atoms.hpp"
#include "config/log.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/spawn_options.hpp>
#include <caf/system_messages.hpp>

#include <algorithm>

namespace factord::actors {

caf::behavior worker_pool(caf::stateful_actor<worker_pool_state>* self, caf::actor dispatcher,
                          caf::actor registry, unsigned count, worker_limits limits) {
  auto spawn_worker = [=] {
    self->state.workers.push_back(
      self->spawn<caf::detached + caf::monitored>(factor_worker, dispatcher, registry, limits));
  };
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
    [=](stats_atom) {
      return pool_stats{self->state.workers.size(), self->state.restarted};
    },
  };
}

} // namespace factord::actors
