// factor-worker: one detached actor per core that runs the factor engine on one job at a
// time. It asks the dispatcher for work (demand), tells the registry when it starts
// (handing over the job's cancel flag) and how the job ended, then asks again.
//
// Messages in:
//   (job_atom, job_ticket)   a job to run now (from a caller-queue)
// Messages out:
//   (demand_atom, worker)                          -> dispatcher, when idle
//   (started_atom, request_id, cancel_handle, worker) -> registry
//   (finished_atom, job_outcome)                   -> registry
#pragma once

#include "actors/protocol/job.hpp"
#include "actors/protocol/job_messages.hpp"

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/behavior.hpp>
#include <caf/fwd.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace factord::actors {

struct job_outcome {
  std::string request_id;
  bool ok = false;
  std::vector<std::string> factors; // when ok
  std::string error_code;           // when not ok
  std::string error_message;
  std::string method; // hardest method the engine needed
  double compute_seconds = 0;
};

struct worker_limits {
  std::size_t max_digits = 300;
  std::chrono::milliseconds job_budget{600000};
};

caf::behavior factor_worker(caf::event_based_actor* self, const caf::actor& dispatcher,
                            const caf::actor& registry, worker_limits limits);

// The engine run of one job, outside any actor (tested alone).
job_outcome run_job(const job_ticket& ticket, const worker_limits& limits, const std::atomic<int>& flag);

} // namespace factord::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(factord::actors::job_outcome)
