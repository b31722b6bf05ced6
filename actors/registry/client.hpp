// Calling the job-registry from code that is not an actor (net/'s Asio handlers).
//
// Each call spawns a short-lived requester actor (cheap in CAF) that sends one request and
// hands the reply to `done`. `done` runs on a CAF scheduler thread: it must not block and
// must not touch sockets directly — post to the socket's executor instead.
#pragma once

#include "actors/protocol/api.hpp"
#include "actors/protocol/registry_api.hpp"

#include <caf/fwd.hpp>

#include <chrono>
#include <functional>
#include <string>

namespace factord::actors {

// Everything /metrics and /v1/actors report about one node.
struct node_stats {
  registry_stats registry;
  std::uint64_t callers_waiting = 0; // callers in the round-robin ring
  std::uint64_t jobs_suspended = 0;  // parked jobs (time slices)
  std::uint64_t suspensions = 0;     // slices that ended in a park, since start
  std::uint64_t workers = 0;         // filled by the caller, which knows the settings
  std::uint64_t workers_busy = 0;
  std::uint64_t workers_restarted = 0; // after crashes
  std::uint64_t ws_sessions = 0;       // ws-session actors alive
  // The ten deepest caller queues: caller id and depth (caller labels stay bounded).
  std::vector<std::pair<std::string, std::uint64_t>> deepest_callers;
};

void submit_job(caf::actor_system& sys, const registry_api& registry, submission s,
                std::function<void(job_reply)> done);

void submit_batch(caf::actor_system& sys, const registry_api& registry, batch_submission b,
                  std::function<void(batch_reply)> done);

// wait == 0: answer at once. Otherwise answer when the job finishes or `wait` passes.
// A job `who` may not see is answered as an unknown id (404).
void fetch_job(caf::actor_system& sys, const registry_api& registry, std::string request_id,
               std::chrono::milliseconds wait, requester who, std::function<void(job_reply)> done);

// A job `who` may not see is answered as an unknown id (404), and stays as it is.
void cancel_job(caf::actor_system& sys, const registry_api& registry, std::string request_id, requester who,
                std::function<void(job_reply)> done);

// Cluster roles: "" when the node can take work, else why not (a kafka-bridge answers).
void check_ready(caf::actor_system& sys, const registry_api& registry, std::function<void(std::string)> done);

// Asks the registry and the dispatcher; `done` gets the combined snapshot.
void collect_stats(caf::actor_system& sys, const registry_api& registry, const caf::actor& dispatcher,
                   std::function<void(node_stats)> done);

} // namespace factord::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(factord::actors::node_stats)
