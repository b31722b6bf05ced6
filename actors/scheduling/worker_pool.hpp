// worker-pool: the supervisor of the factor workers. Spawns one detached factor-worker
// per configured core, tells the dispatcher how many jobs may run at once, spawns one more
// thread when the dispatcher asks (a parked job keeps its thread; at most `spare` more than
// `count`), and monitors them; a worker that exits while the pool is not
// draining (an exception escaped the engine, say) is replaced, and the registry is told so
// that it re-queues the job the worker was running.
//
// Messages in:
//   (drain_atom)              shutdown: stop every worker, then quit
//   (grow_atom)               one more worker thread (from the dispatcher)
//   (stats_atom) -> pool_stats   (for tools; /metrics counts restarts from the registry)
//   (probe_atom) -> probe_sample
// Messages out: (lost_atom, actor_addr worker) -> registry (worker_report_api);
//   (slots_atom, count, pool) -> dispatcher, at start
#pragma once

#include "actors/scheduling/factor_worker.hpp"

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/fwd.hpp>
#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include <cstdint>
#include <vector>

namespace factord::actors {

struct pool_stats {
  std::uint64_t workers = 0;
  std::uint64_t restarted = 0;
};

struct worker_pool_state {
  std::vector<caf::actor> workers;
  std::uint64_t restarted = 0;
  bool draining = false;
  static inline const char* name = "worker-pool";
};

caf::behavior worker_pool(caf::stateful_actor<worker_pool_state>* self, const caf::actor& dispatcher,
                          const worker_report_api& registry, unsigned count, unsigned spare,
                          worker_limits limits, const caf::actor& console);

} // namespace factord::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(factord::actors::pool_stats)
