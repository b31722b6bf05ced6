// factor-worker: one detached actor per core that runs the factor engine on one job at a
// time. It asks the dispatcher for work (demand), tells the registry when it starts
// (handing over the job's cancel flag) and how the job ended, then asks again.
//
// Messages in:
//   (job_atom, job_ticket, cancel_handle)   a job to run now (from a caller-queue; the
//                                           dispatcher made the handle)
//   (probe_atom) -> probe_sample  (from the console; answered between jobs only)
// Messages out:
//   (demand_atom, worker)                          -> dispatcher, when idle
//   (suspended_atom, worker)                       -> dispatcher, when the job parked
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

#include <chrono>
#include <functional>
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

// The engine run of one job, outside any actor (tested alone). The handle stops it; when
// the dispatcher asks it to yield and `on_park` is given, the job parks at the engine's
// next poll point: `on_park` runs, the thread waits until the handle resumes or stops it,
// and the wait counts neither against `job_budget` nor in `compute_seconds`.
job_outcome run_job(const job_ticket& ticket, const worker_limits& limits, const cancel_handle& handle,
                    const std::function<void()>& on_park = {});

} // namespace factord::actors
