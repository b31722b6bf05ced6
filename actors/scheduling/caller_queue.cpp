#include "actors/scheduling/caller_queue.hpp"

#include "actors/protocol/api.hpp"
#include "actors/protocol/atoms.hpp"

#include <algorithm>

namespace factord::actors {

caf::behavior caller_queue(caf::stateful_actor<caller_queue_state>* self, const std::string& caller,
                           const caf::actor& dispatcher) {
  return {
      [=](push_atom, job_ticket& ticket) {
        probe_scope scope(self->state.counters, "push");
        self->state.waiting.push_back(std::move(ticket));
      },
      [=](dispatch_atom, const caf::actor& worker, const cancel_handle& handle) {
        probe_scope scope(self->state.counters, "dispatch");
        auto& waiting = self->state.waiting;
        if (waiting.empty()) {
          // The job the dispatcher counted was cancelled meanwhile: give the demand back.
          self->send(dispatcher, qempty_atom::value, worker);
          return;
        }
        self->send(worker, job_atom::value, std::move(waiting.front()), handle);
        waiting.pop_front();
        ++self->state.handed_out;
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
      [=](probe_atom) {
        return make_sample(self->state.counters, self->mailbox().size())
            .text("caller", caller)
            .number("depth", static_cast<std::uint64_t>(self->state.waiting.size()))
            .number("handed_out", self->state.handed_out);
      },
  };
}

} // namespace factord::actors
