// The job-registry's bookkeeping, as functions over its state: admission and bounds,
// job creation, group commit, finishing and notifying, retention. The behavior in
// job_registry.cpp only routes messages to these.
#pragma once

#include "actors/registry/job_registry.hpp"

namespace factord::actors::registry_ops {

using self_ptr = caf::stateful_actor<registry_state>*;

api_error error(api_errc code, std::string reason, std::string message, int retry_after = 0);
job_reply failed_reply(api_error e);
job_reply ok_reply(const job& j, bool created = false);
// A long-poll's time is up: answers waiter `id` with the job as it is now (if it still waits).
void answer_waiter(std::vector<registry_state::waiter>& waiters, std::uint64_t id, const job& j);

// Makes sure a journal commit follows everything now in the mailbox.
void schedule_flush(self_ptr self);
// Marks the job for the journal; the next flush writes its state then and commits.
void persist(self_ptr self, registry_state::entry& e);
// Validates a number and the queue bounds (`extra` jobs more); normalizes the number.
bool admit(self_ptr self, const std::string& caller, const std::string& text,
           std::uint64_t extra, std::string& number, api_error& err);
// Creates, journals and counts a queued job; it is enqueued when the commit succeeds.
job& create_job(self_ptr self, const std::string& caller, std::string number, std::string key);
// Bookkeeping when a job stops waiting (started, cancelled).
void leave_queue(registry_state& st, const job& j);
// A job reached a final state: journal it and tell every waiter and watcher.
void finish(self_ptr self, registry_state::entry& e);
void enqueue(self_ptr self, const job& j);
// The group commit: one journal commit, then every held-back reply.
void flush(self_ptr self);
// Forgets finished jobs older than the retention, in memory and in the journal.
void purge(self_ptr self);
// Loads the journal's jobs at start; unfinished ones are queued again in order.
void restore(self_ptr self, std::vector<job> recovered, std::vector<job> finished);
void remember_key(registry_state& st, const job& j);
// Adds worker time to a caller's account; forgets the least recently served callers
// beyond a thousand so caller ids from clients cannot grow memory without bound.
void note_service(registry_state& st, const std::string& caller, double seconds, bool done);
registry_view make_view(const registry_state& st);

} // namespace factord::actors::registry_ops
