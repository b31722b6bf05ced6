// dispatcher: round-robin over the callers that have waiting work, driven by worker demand.
// A worker's demand is answered by the next caller in the ring: that caller's queue hands
// its head job straight to the worker. A caller with 10,000 jobs waits its turn like one
// with a single job, so nobody is starved.
//
// Messages in:
//   (enqueue_atom, job_ticket)          a new (or re-queued) job, from the registry
//   (demand_atom, worker)               a worker is idle
//   (cancel_atom, caller, request_id)   drop a waiting job, from the registry
//   (qempty_atom, worker)               a queue had nothing: the demand stands
//   (removed_atom, caller)              a queue dropped a cancelled job
//   (stats_atom) -> dispatcher_stats
//   (pause_atom, caller) / (resume_atom, caller)   console: hold or release a caller
//   (weight_atom, caller, unsigned)                console: turns per round
//   (fairness_atom) -> caller_fairness              per-caller view for the console
//   (probe_atom) -> probe_sample
#pragma once

#include "actors/protocol/job.hpp"
#include "actors/protocol/job_messages.hpp"
#include "actors/protocol/probe.hpp"
#include "actors/scheduling/round_robin.hpp"

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/fwd.hpp>
#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace factord::actors {

struct dispatcher_stats {
  std::uint64_t callers_waiting = 0;
  std::uint64_t idle_workers = 0;
  std::uint64_t dispatched = 0;
  std::vector<std::pair<std::string, std::uint64_t>> deepest; // caller, depth (at most 10)
  std::vector<std::string> ring_order;                        // next caller first (at most 50)
};

// The dispatcher's side of fairness, per caller with waiting work or a setting.
struct caller_fairness {
  struct entry {
    std::string caller;
    std::uint64_t queued = 0;
    std::uint64_t served = 0; // jobs handed to workers while this queue existed
    unsigned weight = 1;
    bool paused = false;
    std::int64_t ring_position = -1; // 0 = served next; -1 = not in the ring
  };
  std::vector<entry> callers; // at most 200, ring order first
};

struct dispatcher_state {
  struct caller_entry {
    caf::actor queue;
    std::uint64_t depth = 0; // jobs this queue holds, as the dispatcher counts them
    std::uint64_t served = 0;
  };
  round_robin ring;
  std::unordered_map<std::string, caller_entry> callers;
  std::deque<caf::actor> idle_workers;
  std::uint64_t dispatched = 0;
  std::unordered_set<std::string> paused;
  probe counters;
  static inline const char* name = "dispatcher";
};

// `console` (may be null) learns about every caller-queue spawned.
caf::behavior dispatcher(caf::stateful_actor<dispatcher_state>* self, const caf::actor& console);

} // namespace factord::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(factord::actors::dispatcher_stats)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(factord::actors::caller_fairness)
