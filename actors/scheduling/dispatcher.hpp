// dispatcher: round-robin over the callers that have waiting work, driven by worker demand,
// with time slices so that no caller holds the workers while others wait.
//
// A free slot (one per `--workers`) is given to the next caller in the ring: that caller's
// parked job resumes, or its queue hands its head job to an idle worker thread. A caller with
// 10,000 jobs waits its turn like one with a single job, so nobody is starved. A job that
// has run for a slice (`--time-slice`) while another caller waits is asked to yield: it
// parks at the engine's next poll point, keeps its state on its thread, and its caller waits
// its turn again. At most `--max-suspended` jobs are parked; then a long job keeps its slot.
// `--max-running-per-caller` caps the slots one caller's jobs hold.
//
// Messages in:
//   (enqueue_atom, job_ticket)          a new (or re-queued) job, from the registry
//   (demand_atom, worker)               a worker thread is idle (its job ended, or it is new)
//   (suspended_atom, worker)            the worker's job parked
//   (slots_atom, uint32, pool)          from the worker-pool: how many jobs may run at once;
//                                       until it comes, every idle worker is served
//   (cancel_atom, caller, request_id)   drop a waiting job, from the registry
//   (qempty_atom, worker)               a queue had nothing: the demand stands
//   (removed_atom, caller)              a queue dropped a cancelled job
//   (tick_atom)                         time to look for jobs past their slice
//   (stats_atom) -> dispatcher_stats
//   (pause_atom, caller) / (resume_atom, caller)   console: hold or release a caller
//   (weight_atom, caller, unsigned)                console: turns per round (wins over the
//                                                  credential's weight in job_ticket)
//   (fairness_atom) -> caller_fairness              per-caller view for the console
//   (probe_atom) -> probe_sample
// Messages out: to caller-queues `(push_atom, job_ticket)`, `(dispatch_atom, worker,
// cancel_handle)`, `(cancel_atom, request_id)`, `(close_atom)`; to the pool `(grow_atom)`
// when a slot is free, work waits and every worker thread holds a parked job.
#pragma once

#include "actors/protocol/job.hpp"
#include "actors/protocol/job_messages.hpp"
#include "actors/protocol/probe.hpp"
#include "actors/scheduling/round_robin.hpp"
#include "config/options.hpp"

#include <caf/actor.hpp>
#include <caf/actor_addr.hpp>
#include <caf/actor_clock.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/fwd.hpp>
#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace factord::actors {

struct scheduling_settings {
  std::chrono::milliseconds time_slice{100}; // 0: a job keeps its slot until it ends
  unsigned max_suspended = 0;                // jobs parked at once; 0: none
  unsigned max_running_per_caller = 0;       // slots one caller may hold; 0: no fixed cap
};

inline scheduling_settings scheduling_from(const config::settings& s) {
  return {s.time_slice, s.max_suspended, s.max_running_per_caller};
}

struct dispatcher_stats {
  std::uint64_t callers_waiting = 0;
  std::uint64_t idle_workers = 0;
  std::uint64_t dispatched = 0;
  std::uint64_t running = 0;                                  // jobs holding a slot
  std::uint64_t suspended = 0;                                // jobs parked now
  std::uint64_t suspensions = 0;                              // slices that ended in a park, since start
  std::vector<std::pair<std::string, std::uint64_t>> deepest; // caller, depth (at most 10)
  std::vector<std::string> ring_order;                        // next caller first (at most 50)
};

// The dispatcher's side of fairness, per caller with waiting work or a setting.
struct caller_fairness {
  struct entry {
    std::string caller;
    std::uint64_t queued = 0;
    std::uint64_t served = 0; // jobs handed to workers while this queue existed
    std::uint64_t running = 0;
    std::uint64_t suspended = 0;
    unsigned weight = 1;
    bool paused = false;
    std::int64_t ring_position = -1; // 0 = served next; -1 = not in the ring
  };
  std::vector<entry> callers; // at most 200, ring order first
};

struct dispatcher_state {
  // The actor clock: real time in a server, the test coordinator's time in actor tests.
  using time_point = caf::actor_clock::time_point;
  struct caller_entry {
    caf::actor queue;        // null once it holds nothing
    std::uint64_t depth = 0; // jobs its queue holds, as the dispatcher counts them
    std::uint64_t served = 0;
    std::uint64_t running = 0;     // slots its jobs hold
    std::deque<caf::actor> parked; // workers holding its parked jobs, oldest first
  };
  // A job holding a slot.
  struct slot {
    std::string caller;
    cancel_handle handle;
    time_point since; // start of its current slice
    bool yield_asked = false;
  };
  struct parked_job {
    std::string caller;
    cancel_handle handle;
  };
  scheduling_settings settings;
  round_robin ring;
  std::unordered_map<std::string, caller_entry> callers;
  std::deque<caf::actor> idle_workers;
  std::map<caf::actor_addr, slot> running;
  std::map<caf::actor_addr, parked_job> parked;
  std::unordered_set<caf::actor_addr> known_workers; // monitored
  std::uint32_t slots = 0;                           // 0: the pool has not said; every idle worker is served
  caf::actor pool;
  bool grow_asked = false;
  bool tick_armed = false;
  std::uint64_t dispatched = 0;
  std::uint64_t suspensions = 0;
  std::unordered_set<std::string> paused;
  std::unordered_set<std::string> operator_weights; // callers whose weight the console set
  probe counters;
  static inline const char* name = "dispatcher";
};

// `console` (may be null) learns about every caller-queue spawned.
caf::behavior dispatcher(caf::stateful_actor<dispatcher_state>* self, const caf::actor& console,
                         scheduling_settings settings);

} // namespace factord::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(factord::actors::dispatcher_stats)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(factord::actors::caller_fairness)
