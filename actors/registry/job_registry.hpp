// job-registry: the node's book of jobs in `factord serve`. Issues request ids, keeps job
// states and idempotency keys (all in its job_book), owns the journal (a job is
// acknowledged only after its journal commit, many submissions per commit), answers GETs
// (also long-polls), and tells whoever waits when a job finishes.
//
// Messages in (its type, job_registry_actor, checks them):
//   registry_api (protocol/registry_api.hpp):
//     (submit_atom, submission)                    -> job_reply (after the journal commit;
//                        a known idempotency key is answered with its job once committed)
//     (batch_atom, batch_submission)               -> batch_reply, all accepted or none
//     (fetch_atom, request_id, caf::timespan wait, requester) -> job_reply (when finished
//                        or after wait; another caller's job is a 404, as an unknown id)
//   Every reply about a job leaves once its state is committed; a failed commit makes it a
//   503 journal_unavailable (job_registry_ops.hpp flush()).
//     (cancel_atom, request_id, requester)         -> job_reply (after the journal commit;
//                        another caller's job is a 404 and is not cancelled)
//     (drain_atom) -> bool   shutdown: refuse new work, stop running jobs, commit
//     (stats_atom) -> registry_stats
//     (workers_atom) -> registry_view   running jobs and per-caller service, for the console
//     (probe_atom) -> probe_sample
//     (ready_atom) -> std::string       "" unless draining (net/ asks only cluster roles)
//   worker_report_api (scheduling/worker_report_api.hpp):
//     (started_atom, request_id, cancel_handle, worker)   from a factor-worker
//     (finished_atom, job_outcome)                         from a factor-worker
//     (lost_atom, caf::actor_addr worker)                  from the worker-pool
// Internal (sent to itself, so in its type too): (flush_atom) group commit,
//   (waitover_atom, id, waiter) long-poll expiry, (purge_atom) retention sweep.
// It sends to the untyped dispatcher and ws-sessions with anon_send: CAF 0.17 lets a typed
// actor send() only to typed actors.
#pragma once

#include "actors/protocol/api.hpp"
#include "actors/protocol/probe.hpp"
#include "actors/protocol/registry_api.hpp"
#include "actors/registry/job_book.hpp"
#include "actors/registry/journal.hpp"
#include "actors/scheduling/worker_report_api.hpp"
#include "config/options.hpp"

#include <caf/actor.hpp>
#include <caf/fwd.hpp>
#include <caf/response_promise.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

namespace factord::actors {

using job_registry_actor = registry_api::extend_with<worker_report_api>::extend<
    caf::reacts_to<flush_atom>,                                // internal
    caf::reacts_to<waitover_atom, std::string, std::uint64_t>, // internal
    caf::reacts_to<purge_atom>>;                               // internal

struct registry_state {
  // A reply held back until the journal commit that holds the state it tells of. Every
  // reply about a job whose state is not yet committed waits here: a new job's 202, a
  // batch, a DELETE, an idempotent repeat, a GET or long-poll answer, a session's result.
  struct pending_ack {
    enum class kind {
      submit, // a new job (job_reply, 202); refused with its job when the commit fails
      batch,  // new jobs (batch_reply); the same, all or none
      reply,  // a job_reply about a job (cancel, GET, long-poll, idempotent repeat); 503 on failure
      watch,  // a session's jobdone; kept until a commit succeeds
    };
    kind what = kind::reply;
    // Untyped: submit and reply promise a job_reply, batch a batch_reply.
    caf::response_promise promise;
    caf::actor session;                   // watch
    std::vector<std::string> request_ids; // one, or a batch's
    rate_state rate;                      // a submission's bucket, for its reply's X-RateLimit-* headers
  };

  job_book book;
  std::shared_ptr<journal> store;
  std::vector<pending_ack> unacked;
  std::vector<std::string> to_enqueue; // accepted jobs, sent to the dispatcher on commit
  std::vector<std::string> dirty;      // jobs to write at the next flush, in order
  std::unordered_set<std::string> dirty_set;
  // Finished jobs trimmed from the book (--retention-max-jobs/-bytes): deleted from the
  // journal in the next transaction, kept here until one commits.
  std::vector<std::string> removals;
  bool flush_scheduled = false; // a flush is in the mailbox or, after a failed commit, on a timer
  bool draining = false;
  probe counters;
  caf::actor dispatcher;
  config::settings settings;
  static inline const char* name = "job-registry";
};

// The book's bounds from the options (--max-queued, --max-queued-per-caller, --retention).
job_book::limits book_limits(const config::settings& s, job_book::open_means bound);

// `recovered` are the journal's unfinished jobs (re-queued in order at start) and
// `finished` the retained finished ones (answerable by id).
job_registry_actor::behavior_type job_registry(job_registry_actor::stateful_pointer<registry_state> self,
                                               caf::actor dispatcher, std::shared_ptr<journal> store,
                                               config::settings settings, std::vector<job> recovered,
                                               std::vector<job> finished);

} // namespace factord::actors
