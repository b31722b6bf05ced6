// The job-registry's journal side, as functions over its state: admission (the number and
// the book's bounds), the group commit that turns accepted jobs into acknowledged ones, and
// the start-up restore. Jobs, waiters and accounting live in the job_book; the behavior in
// job_registry.cpp only routes messages to these and to the book.
#pragma once

#include "actors/registry/job_registry.hpp"

#include <optional>

namespace factord::actors::registry_ops {

using self_ptr = job_registry_actor::stateful_pointer<registry_state>;

// Validates a number (normalized into `number`, at most the caller's max_digits) and the
// bounds for `extra` more jobs (the caller's max_queued). The rate is taken after, whole.
std::optional<api_error> admit(registry_state& st, const std::string& caller, const std::string& text,
                               std::uint64_t extra, const submit_limits& limits, std::string& number);
// Creates a queued job in the book and marks it for the journal; it is enqueued at the
// dispatcher once the commit that makes it durable succeeds.
job& create_job(self_ptr self, const std::string& caller, std::string number, std::string key,
                unsigned weight);
// `j` in a final state with an error (finished_at is left for the book to stamp).
job final_state(job j, job_status status, std::string code, std::string message);
// The job reached a final state in the book: journal it (its waiters were woken).
void journal_final(self_ptr self, const std::string& id);
// Marks the job for the journal; the next flush writes its state then and commits.
void persist(self_ptr self, const std::string& id);
// Makes sure a journal commit follows everything now in the mailbox.
void schedule_flush(self_ptr self);
// The group commit: one journal commit, then every held-back reply.
void flush(self_ptr self);
void enqueue(self_ptr self, const job& j);
// Loads the journal's jobs at start; unfinished ones are queued again in order.
void restore(self_ptr self, std::vector<job> recovered, std::vector<job> finished);
// A waker that answers a held response promise with the job.
job_book::waker answer(job_promise rp);
// A waker that tells a ws-session its job finished.
job_book::waker tell(self_ptr self, const caf::actor& session);

} // namespace factord::actors::registry_ops
