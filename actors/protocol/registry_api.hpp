// registry_api: the protocol of the actor that holds a node's jobs, as a CAF 0.17 typed
// interface. The job-registry (serve), the gateway's kafka-bridge and the worker's
// kafka-bridge all include it in their own type, so the compiler rejects any of them that
// forgets a message or answers one with the wrong type. net/ (through registry/client.hpp),
// the ws-sessions, the console and the node's start and stop hold this handle.
#pragma once

#include "actors/protocol/api.hpp"
#include "actors/protocol/atoms.hpp"
#include "actors/protocol/probe.hpp"

#include <caf/replies_to.hpp>
#include <caf/timespan.hpp>
#include <caf/typed_actor.hpp>

#include <string>

namespace factord::actors {

using registry_api = caf::typed_actor<
    // A new job; answered after it is durable (journal commit, or the broker's ack).
    caf::replies_to<submit_atom, submission>::with<job_reply>,
    // New jobs, all accepted or none.
    caf::replies_to<batch_atom, batch_submission>::with<batch_reply>,
    // A job by request id, if the requester may see it (else 404, as for an unknown id);
    // with a wait > 0, answered when it finishes or the wait is over.
    caf::replies_to<fetch_atom, std::string, caf::timespan, requester>::with<job_reply>,
    // Cancel a job by request id, if the requester may see it (else 404, nothing cancelled).
    caf::replies_to<cancel_atom, std::string, requester>::with<job_reply>,
    // Counters and gauges, for /metrics and the console.
    caf::replies_to<stats_atom>::with<registry_stats>,
    // Running jobs and per-caller service, for the console.
    caf::replies_to<workers_atom>::with<registry_view>,
    // The console's sample of this actor.
    caf::replies_to<probe_atom>::with<probe_sample>,
    // Shutdown: refuse new work and stop running jobs; true when done.
    caf::replies_to<drain_atom>::with<bool>,
    // "" when the node can take work, else why not (GET /readyz of the cluster roles).
    caf::replies_to<ready_atom>::with<std::string>>;

// The promise behind a held-back submit, fetch or cancel answer.
using job_promise = caf::typed_response_promise<job_reply>;

} // namespace factord::actors
