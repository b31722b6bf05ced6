// factor-worker: one detached actor per core that runs the factor engine on one job at a
// time. It asks the dispatcher for work (demand), tells the registry when it starts
// (handing over the job's cancel flag) and how the job ended, then asks again.
//
// Messages in:
//   (job_atom, job_ticket)   a job to run now (from a caller-queue)
//   (probe_atom) -> probe_sample  (from the console; answered between jobs only)
// Messages out:
//   (demand_atom, worker)                          -> dispatcher, when idle
//   (started_atom, request_id, cancel_handle, worker) -> registry  (worker_report_api)
//   (finished_atom, job_outcome)                   -> registry  (worker_report_api)
#pragma once

#include "actors/protocol/job.hpp"
#include "actors/protocol/job_messages.hpp"
#include "actors/scheduling/worker_report_api.hpp"
#include "config/options.hpp"

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/fwd.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace factord::actors {

struct worker_limits {
  std::size_t max_digits = config::default_max_digits;
  std::chrono::milliseconds job_budget{600000};
};

caf::behavior factor_worker(caf::event_based_actor* self, const caf::actor& dispatcher,
                            const worker_report_api& registry, worker_limits limits);

// The engine run of one job, outside any actor (tested alone).
job_outcome run_job(const job_ticket& ticket, const worker_limits& limits, const std::atomic<int>& flag);

} // namespace factord::actors
