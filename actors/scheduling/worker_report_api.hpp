// worker_report_api: what factor workers and the worker-pool tell "whoever they report to"
// (the job-registry in serve, the worker's kafka-bridge in cluster mode), as a CAF 0.17
// typed interface. Both include it in their own type, so the compiler checks that each
// handles every report; factor-worker and worker-pool hold this handle.
#pragma once

#include "actors/protocol/atoms.hpp"
#include "actors/protocol/job.hpp"
#include "actors/protocol/job_messages.hpp"

#include <caf/actor.hpp>
#include <caf/actor_addr.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <string>
#include <vector>

namespace factord::actors {

// How a job ended on a factor worker.
struct job_outcome {
  std::string request_id;
  bool ok = false;
  std::vector<std::string> factors; // when ok
  std::string error_code;           // when not ok
  std::string error_message;
  std::string method; // hardest method the engine needed
  double compute_seconds = 0;
};

using worker_report_api = caf::typed_actor<
    // A worker began a job: its cancel flag, and the worker (for the console's view).
    caf::reacts_to<started_atom, std::string, cancel_handle, caf::actor>,
    // A worker ended a job (not sent when it stopped for a shutdown).
    caf::reacts_to<finished_atom, job_outcome>,
    // From the worker-pool: this worker crashed (and was replaced).
    caf::reacts_to<lost_atom, caf::actor_addr>>;

} // namespace factord::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(factord::actors::job_outcome)
