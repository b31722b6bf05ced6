#include "actors/scheduling/dispatcher.hpp"

#include "actors/protocol/api.hpp"
#include "actors/protocol/atoms.hpp"
#include "actors/scheduling/caller_queue.hpp"
#include "actors/protocol/probe.hpp" // register_actor

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>

#include <algorithm>

namespace factord::actors {

namespace {

using self_ptr = caf::stateful_actor<dispatcher_state>*;

// The caller's count reached zero: it leaves the ring and its queue quits.
void retire_caller(self_ptr self, const std::string& caller) {
  auto& st = self->state;
  auto it = st.callers.find(caller);
  if (it == st.callers.end()) return;
  st.ring.remove(caller);
  self->send(it->second.queue, close_atom::value);
  st.callers.erase(it);
}

// Pairs idle workers with callers, one job per caller per turn.
void serve_idle_workers(self_ptr self) {
  auto& st = self->state;
  while (!st.idle_workers.empty() && !st.ring.empty()) {
    caf::actor worker = std::move(st.idle_workers.front());
    st.idle_workers.pop_front();
    const std::string caller = st.ring.next();
    auto& entry = st.callers[caller];
    self->send(entry.queue, dispatch_atom::value, worker);
    ++st.dispatched;
    ++entry.served;
    if (--entry.depth == 0) retire_caller(self, caller);
  }
}

dispatcher_stats snapshot(const dispatcher_state& st) {
  dispatcher_stats out;
  out.callers_waiting = st.ring.size();
  out.idle_workers = st.idle_workers.size();
  out.dispatched = st.dispatched;
  for (const auto& [caller, entry] : st.callers) out.deepest.emplace_back(caller, entry.depth);
  auto keep = std::min<std::size_t>(10, out.deepest.size());
  std::partial_sort(out.deepest.begin(), out.deepest.begin() + static_cast<long>(keep), out.deepest.end(),
                    [](const auto& a, const auto& b) { return a.second > b.second; });
  out.deepest.resize(keep);
  out.ring_order = st.ring.order();
  if (out.ring_order.size() > 50) out.ring_order.resize(50);
  return out;
}

caller_fairness fairness_view(const dispatcher_state& st) {
  constexpr std::size_t max_callers = 200;
  caller_fairness out;
  auto add = [&](const std::string& caller, std::int64_t position) {
    caller_fairness::entry e;
    e.caller = caller;
    if (auto it = st.callers.find(caller); it != st.callers.end()) {
      e.queued = it->second.depth;
      e.served = it->second.served;
    }
    e.weight = st.ring.weight(caller);
    e.paused = st.paused.count(caller) != 0;
    e.ring_position = position;
    out.callers.push_back(std::move(e));
  };
  std::int64_t position = 0;
  for (const auto& caller : st.ring.order()) {
    if (out.callers.size() >= max_callers) return out;
    add(caller, position++);
  }
  for (const auto& [caller, entry] : st.callers)
    if (!st.ring.contains(caller) && out.callers.size() < max_callers) add(caller, -1);
  return out;
}

} // namespace

caf::behavior dispatcher(caf::stateful_actor<dispatcher_state>* self, const caf::actor& console) {
  return {
      [=](enqueue_atom, job_ticket& ticket) {
        probe_scope scope(self->state.counters, "enqueue");
        auto& entry = self->state.callers[ticket.caller_id];
        if (!entry.queue) {
          // Linked: the queues go down with the dispatcher at shutdown.
          entry.queue = self->spawn<caf::linked>(caller_queue, ticket.caller_id, caf::actor{self});
          register_actor(console, entry.queue, "caller-queue", self->id(), ticket.caller_id);
        }
        if (!self->state.paused.count(ticket.caller_id)) self->state.ring.add(ticket.caller_id);
        ++entry.depth;
        self->send(entry.queue, push_atom::value, std::move(ticket));
        serve_idle_workers(self);
      },
      [=](demand_atom, caf::actor& worker) {
        probe_scope scope(self->state.counters, "demand");
        self->state.idle_workers.push_back(std::move(worker));
        serve_idle_workers(self);
      },
      [=](qempty_atom, caf::actor& worker) {
        self->state.idle_workers.push_front(std::move(worker));
        serve_idle_workers(self);
      },
      [=](cancel_atom, const std::string& caller, const std::string& request_id) {
        auto it = self->state.callers.find(caller);
        if (it != self->state.callers.end()) self->send(it->second.queue, cancel_atom::value, request_id);
      },
      [=](removed_atom, const std::string& caller) {
        auto it = self->state.callers.find(caller);
        // A reply from a queue already retired (and maybe replaced) is stale.
        if (it == self->state.callers.end() ||
            it->second.queue.address() != caf::actor_cast<caf::actor_addr>(self->current_sender()))
          return;
        if (--it->second.depth == 0) retire_caller(self, caller);
      },
      [=](stats_atom) { return snapshot(self->state); },
      [=](pause_atom, const std::string& caller) {
        self->state.paused.insert(caller);
        self->state.ring.remove(caller);
      },
      [=](resume_atom, const std::string& caller) {
        auto& st = self->state;
        st.paused.erase(caller);
        if (auto it = st.callers.find(caller); it != st.callers.end() && it->second.depth > 0)
          st.ring.add(caller);
        serve_idle_workers(self);
      },
      [=](weight_atom, const std::string& caller, unsigned weight) {
        self->state.ring.set_weight(caller, weight);
      },
      [=](fairness_atom) { return fairness_view(self->state); },
      [=](probe_atom) {
        const auto& st = self->state;
        return make_sample(st.counters, self->mailbox().size())
            .number("callers_waiting", static_cast<std::uint64_t>(st.ring.size()))
            .number("idle_workers", static_cast<std::uint64_t>(st.idle_workers.size()))
            .number("dispatched", st.dispatched)
            .number("paused_callers", static_cast<std::uint64_t>(st.paused.size()));
      },
  };
}

} // namespace factord::actors
