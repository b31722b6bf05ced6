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
// Ends the job in the book with `final` (job_book::finish) and journals it; its waiters and
// watchers hear of it after the commit that holds it. False if it was unknown or final.
bool finish_job(self_ptr self, const std::string& id, job final);
// Marks the job for the journal; the next flush writes its state then and commits.
void persist(self_ptr self, const std::string& id);
// Makes sure a journal commit follows everything now in the mailbox.
void schedule_flush(self_ptr self);
// The group commit: one journal commit, then every held-back reply. If it fails, new jobs
// are refused (503 journal_unavailable) and forgotten, other replies are 503 too, results for
// sessions wait, and the states stay dirty for a retry after journal_retry_interval.
void flush(self_ptr self);
// Sends the job to the dispatcher; `record_start_first` for a job that was unfinished at a
// restart or lost its worker (job_ticket::record_start_first).
void enqueue(self_ptr self, const job& j, bool record_start_first);
// Trims the book to --retention-max-jobs and -bytes; the trimmed jobs leave the journal
// with the next commit.
void trim(registry_state& st);
// Loads the journal's jobs at start; unfinished ones are queued again in order.
void restore(self_ptr self, std::vector<job> recovered, std::vector<job> finished);
// False while the job's state in the book is ahead of the journal (until the next commit).
bool durable(const registry_state& st, const std::string& id);
// Answers `rp` with the job `id` as it is, at once if its state is committed, else after the
// commit that holds it (503 if that commit fails).
void reply_when_durable(self_ptr self, caf::response_promise rp, const std::string& id);
// Tells `session` that its job finished, once that is committed.
void tell_when_durable(self_ptr self, const caf::actor& session, const std::string& id);
// Wakers for the book: a long-poll answered, a ws-session told (both when durable).
job_book::waker answer(self_ptr self, job_promise rp);
job_book::waker tell(self_ptr self, const caf::actor& session);

} // namespace factord::actors::registry_ops
