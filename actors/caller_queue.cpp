#include "actors/caller_queue.hpp"

#include "actors/api.hpp"
#include "actors/atoms.hpp"

#include <algorithm>

namespace factord::actors {

caf::behavior caller_queue(caf::stateful_actor<caller_queue_state>* self, std::string caller,
                           caf::actor dispatcher) {
  return {
    [=](push_atom, job_ticket& ticket) { self->state.waiting.push_back(std::move(ticket)); },
    [=](dispatch_atom, const caf::actor& worker) {
      auto& waiting = self->state.waiting;
      if (waiting.empty()) {
        // The job the dispatcher counted was cancelled meanwhile: give the demand back.
        self->send(dispatcher, qempty_atom::value, worker);
        return;
      }
      self->send(worker, job_atom::value, std::move(waiting.front()));
      waiting.pop_front();
    },
    [=](cancel_atom, const std::string& request_id) {
      auto& waiting = self->state.waiting;
      auto it = std::find_if(waiting.begin(), waiting.end(),
                             [&](const job_ticket& t) { return t.request_id == request_id; });
      if (it == waiting.end()) return;
      waiting.erase(it);
      self->send(dispatcher, removed_atom::value, caller);
    },
    [=](close_atom) { self->quit(); },
  };
}

} // namespace factord::actors
