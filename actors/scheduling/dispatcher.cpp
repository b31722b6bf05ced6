#include "actors/scheduling/dispatcher.hpp"

#include "actors/protocol/api.hpp"
#include "actors/protocol/atoms.hpp"
#include "actors/scheduling/caller_queue.hpp"
#include "actors/protocol/probe.hpp" // register_actor

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/system_messages.hpp>

#include <algorithm>

namespace factord::actors {

namespace {

using self_ptr = caf::stateful_actor<dispatcher_state>*;

// How often a running job's slice is looked at, as a fraction of the slice.
constexpr int ticks_per_slice = 4;

bool has_work(const dispatcher_state::caller_entry& e) { return e.depth > 0 || !e.parked.empty(); }

// Keeps the caller in the ring exactly while it has waiting work (and is not paused), closes
// its queue when that holds nothing, and forgets the caller once nothing of it is left.
void settle_caller(self_ptr self, const std::string& caller) {
  auto& st = self->state;
  auto it = st.callers.find(caller);
  if (it == st.callers.end()) return;
  auto& e = it->second;
  if (e.depth == 0 && e.queue) {
    self->send(e.queue, close_atom::value);
    e.queue = nullptr;
  }
  if (!has_work(e))
    st.ring.remove(caller);
  else if (!st.paused.count(caller))
    st.ring.add(caller);
  if (!has_work(e) && e.running == 0) {
    if (!st.operator_weights.count(caller)) st.ring.set_weight(caller, 1);
    st.callers.erase(it);
  }
}

bool slot_free(const dispatcher_state& st) {
  return st.slots == 0 ? !st.idle_workers.empty() : st.running.size() < st.slots;
}

void take_slot(self_ptr self, const caf::actor& worker, const std::string& caller,
               const cancel_handle& handle) {
  auto& st = self->state;
  st.running[worker.address()] = {caller, handle, self->clock().now(), false};
  ++st.callers[caller].running;
}

// The worker's job no longer holds a slot (it ended, parked, or never started).
void release_slot(self_ptr self, const caf::actor_addr& worker) {
  auto& st = self->state;
  auto it = st.running.find(worker);
  if (it == st.running.end()) return;
  const std::string caller = it->second.caller;
  st.running.erase(it);
  if (auto c = st.callers.find(caller); c != st.callers.end() && c->second.running > 0) --c->second.running;
  settle_caller(self, caller);
}

// The worker's parked job ended without being resumed (cancelled, or the worker died).
void forget_parked(self_ptr self, const caf::actor_addr& worker) {
  auto& st = self->state;
  auto it = st.parked.find(worker);
  if (it == st.parked.end()) return;
  const std::string caller = it->second.caller;
  st.parked.erase(it);
  if (auto c = st.callers.find(caller); c != st.callers.end()) {
    auto& q = c->second.parked;
    q.erase(std::remove_if(q.begin(), q.end(), [&](const caf::actor& w) { return w.address() == worker; }),
            q.end());
  }
  settle_caller(self, caller);
}

// The caller's oldest parked job gets a slot again; false if it turned out to be ending.
bool resume_parked(self_ptr self, const std::string& caller) {
  auto& st = self->state;
  auto& e = st.callers[caller];
  caf::actor worker = e.parked.front();
  e.parked.pop_front();
  auto it = st.parked.find(worker.address());
  cancel_handle handle = it->second.handle;
  st.parked.erase(it);
  // A job cancelled while parked is on its way out; its worker sends demand when done.
  const bool resumed = handle.resume();
  if (resumed) take_slot(self, worker, caller, handle);
  settle_caller(self, caller);
  return resumed;
}

// Hands the caller's head job to an idle worker thread, with the handle that will stop or
// pause it.
void dispatch_next(self_ptr self, const std::string& caller) {
  auto& st = self->state;
  caf::actor worker = std::move(st.idle_workers.front());
  st.idle_workers.pop_front();
  auto& entry = st.callers[caller];
  cancel_handle handle;
  self->send(entry.queue, dispatch_atom::value, worker, handle);
  take_slot(self, worker, caller, handle);
  ++st.dispatched;
  ++entry.served;
  --entry.depth;
  settle_caller(self, caller);
}

void arm_tick(self_ptr self);

// Gives free slots to callers in ring order, one job (or one resumed slice) per turn.
void serve(self_ptr self) {
  auto& st = self->state;
  std::size_t passed = 0; // callers in a row that could not take a slot
  while (!st.ring.empty() && slot_free(st) && passed < st.ring.size()) {
    const std::string caller = st.ring.front();
    auto& entry = st.callers[caller];
    const bool capped =
        st.settings.max_running_per_caller > 0 && entry.running >= st.settings.max_running_per_caller;
    if (capped) {
      st.ring.pass(); // its turn passes (all of a weight's); it stays among the waiting
      ++passed;
      continue;
    }
    if (!entry.parked.empty()) {
      st.ring.next();
      resume_parked(self, caller);
      passed = 0;
      continue;
    }
    if (st.idle_workers.empty()) {
      // Every thread holds a parked job: one more thread for this slot.
      if (st.pool && !st.grow_asked) {
        st.grow_asked = true;
        self->send(st.pool, grow_atom::value);
      }
      break;
    }
    st.ring.next();
    dispatch_next(self, caller);
    passed = 0;
  }
  arm_tick(self);
}

bool slicing(const dispatcher_state& st) {
  return st.slots > 0 && st.settings.time_slice.count() > 0 && st.settings.max_suspended > 0;
}

// Another caller than `caller` waits for a slot.
bool someone_else_waits(const dispatcher_state& st, const std::string& caller) {
  return st.ring.size() > 1 || (st.ring.size() == 1 && st.ring.front() != caller);
}

void arm_tick(self_ptr self) {
  auto& st = self->state;
  if (st.tick_armed || !slicing(st) || st.running.empty() || st.ring.empty()) return;
  st.tick_armed = true;
  auto every = std::max(st.settings.time_slice / ticks_per_slice, std::chrono::milliseconds(1));
  self->delayed_send(self, every, tick_atom::value);
}

// Asks the jobs past their slice to yield, longest-running first, as many as there are
// callers waiting and room to park them.
void end_slices(self_ptr self) {
  auto& st = self->state;
  std::size_t asked = 0;
  for (const auto& [worker, s] : st.running) asked += s.yield_asked ? 1 : 0;
  const std::size_t room = st.settings.max_suspended > st.parked.size() + asked
                               ? st.settings.max_suspended - st.parked.size() - asked
                               : 0;
  std::size_t wanted = std::min(room, st.ring.size() > asked ? st.ring.size() - asked : 0);
  if (wanted == 0) return;
  const auto now = self->clock().now();
  std::vector<dispatcher_state::slot*> due;
  for (auto& [worker, s] : st.running)
    if (!s.yield_asked && now - s.since >= st.settings.time_slice && someone_else_waits(st, s.caller))
      due.push_back(&s);
  std::sort(due.begin(), due.end(), [](const auto* a, const auto* b) { return a->since < b->since; });
  for (auto* s : due) {
    if (wanted == 0) break;
    if (s->handle.ask_to_yield()) {
      s->yield_asked = true;
      --wanted;
    }
  }
}

dispatcher_stats snapshot(const dispatcher_state& st) {
  dispatcher_stats out;
  out.callers_waiting = st.ring.size();
  out.idle_workers = st.idle_workers.size();
  out.dispatched = st.dispatched;
  out.running = st.running.size();
  out.suspended = st.parked.size();
  out.suspensions = st.suspensions;
  for (const auto& [caller, entry] : st.callers)
    if (entry.depth > 0) out.deepest.emplace_back(caller, entry.depth);
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
      e.running = it->second.running;
      e.suspended = it->second.parked.size();
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

// A worker thread this dispatcher has not seen: watched, so that a crash frees its slot.
void know_worker(self_ptr self, const caf::actor& worker) {
  if (self->state.known_workers.insert(worker.address()).second) self->monitor(worker);
}

} // namespace

caf::behavior dispatcher(caf::stateful_actor<dispatcher_state>* self, const caf::actor& console,
                         scheduling_settings settings) {
  self->state.settings = settings;
  self->set_down_handler([=](caf::down_msg& down) {
    auto& st = self->state;
    if (!st.known_workers.erase(down.source)) return;
    auto& idle = st.idle_workers;
    idle.erase(std::remove_if(idle.begin(), idle.end(),
                              [&](const caf::actor& w) { return w.address() == down.source; }),
               idle.end());
    release_slot(self, down.source);
    forget_parked(self, down.source);
    serve(self);
  });
  return {
      [=](enqueue_atom, job_ticket& ticket) {
        probe_scope scope(self->state.counters, "enqueue");
        auto& st = self->state;
        auto& entry = st.callers[ticket.caller_id];
        if (!entry.queue) {
          // Linked: the queues go down with the dispatcher at shutdown.
          entry.queue = self->spawn<caf::linked>(caller_queue, ticket.caller_id, caf::actor{self});
          register_actor(console, entry.queue, "caller-queue", self->id(), ticket.caller_id);
        }
        if (ticket.weight > 0 && !st.operator_weights.count(ticket.caller_id))
          st.ring.set_weight(ticket.caller_id, ticket.weight);
        ++entry.depth;
        const std::string caller = ticket.caller_id;
        self->send(entry.queue, push_atom::value, std::move(ticket));
        settle_caller(self, caller);
        serve(self);
      },
      [=](demand_atom, caf::actor& worker) {
        probe_scope scope(self->state.counters, "demand");
        auto& st = self->state;
        know_worker(self, worker);
        release_slot(self, worker.address());
        forget_parked(self, worker.address());
        st.grow_asked = false;
        st.idle_workers.push_back(std::move(worker));
        serve(self);
      },
      [=](suspended_atom, const caf::actor& worker) {
        auto& st = self->state;
        auto it = st.running.find(worker.address());
        if (it == st.running.end()) return;
        const std::string caller = it->second.caller;
        st.parked[worker.address()] = {caller, it->second.handle};
        st.callers[caller].parked.push_back(worker);
        ++st.suspensions;
        // Its slice was its turn: the caller goes behind everyone waiting.
        st.ring.remove(caller);
        release_slot(self, worker.address());
        serve(self);
      },
      [=](slots_atom, std::uint32_t slots, const caf::actor& pool) {
        self->state.slots = slots;
        self->state.pool = pool;
        serve(self);
      },
      [=](tick_atom) {
        self->state.tick_armed = false;
        end_slices(self);
        arm_tick(self);
      },
      [=](qempty_atom, caf::actor& worker) {
        release_slot(self, worker.address());
        self->state.idle_workers.push_front(std::move(worker));
        serve(self);
      },
      [=](cancel_atom, const std::string& caller, const std::string& request_id) {
        auto it = self->state.callers.find(caller);
        if (it != self->state.callers.end() && it->second.queue)
          self->send(it->second.queue, cancel_atom::value, request_id);
      },
      [=](removed_atom, const std::string& caller) {
        auto it = self->state.callers.find(caller);
        // A reply from a queue already closed (and maybe replaced) is stale.
        if (it == self->state.callers.end() || !it->second.queue ||
            it->second.queue.address() != caf::actor_cast<caf::actor_addr>(self->current_sender()))
          return;
        --it->second.depth;
        settle_caller(self, caller);
      },
      [=](stats_atom) { return snapshot(self->state); },
      [=](pause_atom, const std::string& caller) {
        self->state.paused.insert(caller);
        self->state.ring.remove(caller);
      },
      [=](resume_atom, const std::string& caller) {
        self->state.paused.erase(caller);
        settle_caller(self, caller);
        serve(self);
      },
      [=](weight_atom, const std::string& caller, unsigned weight) {
        self->state.operator_weights.insert(caller);
        self->state.ring.set_weight(caller, weight);
      },
      [=](fairness_atom) { return fairness_view(self->state); },
      [=](probe_atom) {
        const auto& st = self->state;
        return make_sample(st.counters, self->mailbox().size())
            .number("callers_waiting", static_cast<std::uint64_t>(st.ring.size()))
            .number("idle_workers", static_cast<std::uint64_t>(st.idle_workers.size()))
            .number("dispatched", st.dispatched)
            .number("running", static_cast<std::uint64_t>(st.running.size()))
            .number("suspended", static_cast<std::uint64_t>(st.parked.size()))
            .number("paused_callers", static_cast<std::uint64_t>(st.paused.size()));
      },
  };
}

} // namespace factord::actors
