// job-registry: the node's book of jobs. Issues request ids, keeps job states and
// idempotency keys, owns the journal (a job is acknowledged only after its journal commit,
// many submissions per commit), answers GETs (also long-polls), and tells whoever waits
// when a job finishes.
//
// Messages in:
//   (submit_atom, submission)                  -> job_reply (after the journal commit)
//   (batch_atom, batch_submission)             -> batch_reply, all accepted or none
//   (fetch_atom, request_id, caf::timespan wait) -> job_reply (when finished or after wait)
//   (cancel_atom, request_id)                  -> job_reply
//   (started_atom, request_id, cancel_handle, worker)   from a factor-worker
//   (finished_atom, job_outcome)                         from a factor-worker
//   (lost_atom, caf::actor_addr worker)                  from the worker-pool
//   (drain_atom) -> bool   shutdown: refuse new work, stop running jobs, commit
//   (stats_atom) -> registry_stats
//   (workers_atom) -> registry_view   running jobs and per-caller service, for the console
//   (probe_atom) -> probe_sample
// Internal: (flush_atom) group commit, (waitover_atom, id, waiter) long-poll expiry,
//           (purge_atom) retention sweep.
#pragma once

#include "actors/protocol/api.hpp"
#include "actors/scheduling/factor_worker.hpp"
#include "actors/registry/journal.hpp"
#include "actors/protocol/probe.hpp"
#include "config/options.hpp"

#include <caf/actor.hpp>
#include <caf/fwd.hpp>
#include <caf/response_promise.hpp>
#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

namespace factord::actors {

struct registry_state {
  struct service_record {
    std::uint64_t jobs_done = 0;
    double compute_seconds = 0;
    std::int64_t last_active = 0;
  };
  struct waiter {
    std::uint64_t id;
    caf::response_promise promise;
  };
  struct entry {
    job value;
    std::vector<waiter> waiters;      // long-poll GETs
    std::vector<caf::actor> watchers; // ws-sessions
    cancel_handle cancel;             // meaningful while running
    caf::actor_id worker = 0;
    bool dirty = false;               // changed since its last journal write
  };
  // A reply held back until the journal commit that makes its job durable.
  struct pending_ack {
    caf::response_promise promise;
    std::vector<std::string> request_ids; // one for submit/cancel, many for batch
    bool batch = false;
    bool created = false;
  };

  std::unordered_map<std::string, entry> jobs;
  std::unordered_map<std::string, std::string> idempotency; // caller '\n' key -> request id
  std::unordered_map<std::string, std::uint64_t> queued_by_caller;
  std::unordered_map<caf::actor_id, std::string> running_on; // worker -> request id
  std::shared_ptr<journal> store;
  std::vector<pending_ack> unacked;
  std::vector<std::string> to_enqueue; // accepted jobs, sent to the dispatcher on commit
  std::vector<std::string> dirty;      // jobs to write at the next flush
  bool flush_scheduled = false;
  bool draining = false;
  std::uint64_t next_waiter = 1;
  std::mt19937_64 rng{std::random_device{}()};
  registry_stats stats;
  std::unordered_map<std::string, service_record> service; // bounded, see note_service
  probe counters;
  caf::actor dispatcher;
  config::settings settings;
  static inline const char* name = "job-registry";
};

// `recovered` are the journal's unfinished jobs (re-queued in order at start) and
// `finished` the retained finished ones (answerable by id).
caf::behavior job_registry(caf::stateful_actor<registry_state>* self, caf::actor dispatcher,
                           std::shared_ptr<journal> store, config::settings settings,
                           std::vector<job> recovered, std::vector<job> finished);

} // namespace factord::actors

