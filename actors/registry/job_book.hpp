// job_book: the jobs a node knows and everything kept per job and per caller. One plain
// class (no actor types) used by the three actors that hold jobs: the job-registry of
// `factord serve`, and the gateway and worker kafka-bridges. Their behaviours only route
// messages; what a job is, who waits for it and what each caller may still submit is here.
//
//  - jobs by request id (ids from the kernel's CSPRNG, random_ids.hpp), and who may see
//    each (find_for: its caller and admins; anyone else gets nothing, as for an unknown id),
//    with the waiters (long-poll GETs) and watchers (ws-sessions) to
//    wake when a job reaches a final state: finish() calls each once, then forgets it
//    (a long-poll whose time is up is answered by expire());
//  - idempotency keys: (caller, key) -> request id, for as long as the job is kept;
//  - per-caller accounting: open jobs per caller against --max-queued-per-caller (or the
//    credential's max_queued) and all of them against --max-queued (admit), and worker time
//    served per caller for the console, at most max_served_callers of them (the least
//    recently served are forgotten);
//  - submission rates: a token bucket per rate key (take_rate, rate_limiter.hpp), at most
//    config::limits::max_rate_buckets of them;
//  - which worker runs which job, and its cancel flag;
//  - retention: finished jobs older than it are forgotten (purge), and beyond a count or an
//    estimate of their bytes the oldest finished ones go first (trim);
//  - the counters of /metrics (registry_stats, refusals by api_errc) and the console's view.
// Single-threaded: owned by one actor.
#pragma once

#include "actors/protocol/api.hpp"
#include "actors/registry/random_ids.hpp"
#include "actors/registry/rate_limiter.hpp"
#include "config/limits.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <tuple>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

namespace factord::actors {

class job_book {
public:
  // Wakes one waiter or watcher with the job as it is now.
  using waker = std::function<void(const job&)>;

  // What counts against the queue bounds: jobs waiting for a worker (serve, where the
  // registry knows when a job starts), or every unfinished job (a gateway, which learns of
  // a start only from a running record).
  enum class open_means { queued, unfinished };

  struct limits {
    std::uint64_t max_open = 100000;           // --max-queued
    std::uint64_t max_open_per_caller = 10000; // --max-queued-per-caller
    std::chrono::milliseconds retention{std::chrono::hours{24}};
    std::uint64_t retention_max_jobs = 1'000'000;     // --retention-max-jobs
    std::uint64_t retention_max_bytes = 512ULL << 20; // --retention-max-bytes
    std::size_t max_served_callers = config::limits::max_served_callers;
    std::size_t max_waiters_per_job = config::limits::max_waiters_per_job; // long-polls on one job
    std::size_t max_waiters = config::limits::max_waiters;                 // long-polls on the node
    open_means bound = open_means::queued;
  };

  struct entry {
    job value;
    std::vector<std::pair<std::uint64_t, waker>> waiters; // long-polls, by waiter id
    std::vector<waker> watchers;                          // sessions
    cancel_handle cancel;                                 // meaningful while running
    std::uint64_t worker = 0;                             // actor id of the worker running it
    // Its place in the index of finished jobs, as indexed (so a later change cannot strand it).
    std::int64_t indexed_at = 0;
    std::uint64_t indexed_seq = 0; // ties within a millisecond: the order they finished in
    std::size_t kept_bytes = 0;    // 0: not indexed
  };

  job_book();
  explicit job_book(limits l);

  // A fresh request id: 128 bits from the kernel's CSPRNG, 32 lowercase hex digits.
  std::string new_request_id() { return ids_.next(); }

  // Any job by id, whoever it belongs to: for the node's own bookkeeping (results,
  // workers, journal), never to answer a client with.
  entry* find(const std::string& id);
  const entry* find(const std::string& id) const;
  // The job `id` as `who` may see it: a non-admin only its own jobs. Another caller's job
  // is nullptr, exactly as an unknown id, so the answer (a 404) tells nobody it exists.
  // Every GET and DELETE, in `serve` and on gateways, goes through here.
  entry* find_for(const std::string& id, const requester& who);
  const entry* find_for(const std::string& id, const requester& who) const;
  static bool visible_to(const job& j, const requester& who) noexcept {
    return who.admin || (!who.caller_id.empty() && j.caller_id == who.caller_id);
  }
  // The job an idempotency key of this caller names, if it is still kept.
  entry* find_by_key(const std::string& caller, const std::string& key);
  std::size_t size() const noexcept { return jobs_.size(); }

  // Checks the queue bounds for `extra` more jobs of `caller`; the error says which bound
  // and what to do.
  std::optional<api_error> admit(const std::string& caller, std::uint64_t extra) const {
    return admit(caller, extra, submit_limits{});
  }
  // The same with a caller's own limits: its max_queued replaces --max-queued-per-caller.
  std::optional<api_error> admit(const std::string& caller, std::uint64_t extra,
                                 const submit_limits& l) const;
  // The digits a submission may have: the caller's max_digits, never above the server's.
  static unsigned max_digits_for(const submit_limits& l, unsigned server_max) noexcept {
    return l.max_digits == 0 ? server_max : std::min(l.max_digits, server_max);
  }
  // Takes `cost` tokens (one per number) from the bucket of l.rate_key, all or none; with
  // no rate limit (l.rate 0) nothing. Refused: 429 rate_limited with the exact Retry-After.
  // `state` gets the bucket afterwards (limit 0 with no rate limit). Call it last, once
  // everything else admitted the submission, so that a refused one costs no tokens.
  std::optional<api_error> take_rate(const submit_limits& l, std::uint64_t cost,
                                     rate_limiter::clock::time_point now, rate_state& state);
  std::size_t rate_buckets() const noexcept { return rates_.size(); }
  // Counts a refused submission (rejected, and refused by code for /metrics).
  void refused(const api_error& e) noexcept;
  // The last step of admitting one submission whose own checks (its digits, the node's
  // readiness, admit() above) gave `refusal`, nullopt when they passed: then the rate
  // bucket (take_rate, `rate` gets it). A refusal, either one, is counted and returned.
  std::optional<api_error> admit_submission(std::optional<api_error> refusal, const submit_limits& l,
                                            rate_limiter::clock::time_point now, rate_state& rate);
  // A batch is admitted whole or not at all: `admit(text, normalized)` checks one number
  // (its digits, the node's readiness, admit() above) and normalizes it; then the whole
  // batch takes its tokens (one per number). The normalized numbers and the bucket, or the
  // batch's refusal (naming the first bad number), counted as rejected.
  using number_check = std::function<std::optional<api_error>(const std::string&, std::string&)>;
  struct admitted_batch {
    std::vector<std::string> numbers;
    rate_state rate;
  };
  std::variant<admitted_batch, batch_reply> admit_batch(const std::vector<std::string>& numbers,
                                                        const submit_limits& l,
                                                        rate_limiter::clock::time_point now,
                                                        const number_check& admit);

  // Adds a job in whatever state it is (new, recovered from a journal, read from a topic)
  // and counts it. An existing id is replaced, its waiters dropped unanswered.
  entry& add(job j);
  // Forgets a job (not accepted after all, or handed on); its waiters are not woken.
  void erase(const std::string& id);

  // queued -> running on `worker` (one more attempt); false if it is not queued.
  bool start(const std::string& id, std::uint64_t worker, cancel_handle cancel);
  // running -> queued again (its worker died); false if it is not running.
  bool requeue(const std::string& id);
  // Raises `flag` (cancel_handle::shutdown at a drain) on every running job.
  void signal_running(int flag);
  // Shutdown: every running job is queued again and its start is not counted as an attempt
  // (a stop is not the job's fault), so that after a restart `attempts` counts only the
  // starts that ended in a crash. Returns their ids, for the journal.
  std::vector<std::string> requeue_for_shutdown();
  // The job running on `worker`, if any.
  entry* running_on(std::uint64_t worker);
  // A factor worker died (counted in workers_lost): the job it was running, if any.
  entry* worker_lost(std::uint64_t worker);
  // A state reported from elsewhere (a running record): queued -> running only.
  void note_running(entry& e, std::int64_t started_at, std::uint32_t attempts);

  // The job reached a final state (its status, factors or error already set in `final`):
  // counts it, keeps its idempotency key, and wakes every waiter and watcher. False if the
  // job is unknown or was already final (duplicates after a crash or rebalance). Wakers may
  // add to the book but must not erase or purge (they only send messages).
  bool finish(const std::string& id, job final);

  // Long-polls and sessions. wait() returns the waiter's id for expire(), or a 429
  // too_many_waiters (queue_full) when the job already has max_waiters_per_job or the book
  // max_waiters; nothing is added then.
  std::variant<std::uint64_t, api_error> wait(entry& e, waker w);
  std::size_t waiting() const noexcept { return waiters_total_; }
  void watch(entry& e, waker w);
  // A long-poll's time is up: answers that waiter with the job as it is now.
  void expire(const std::string& id, std::uint64_t waiter);

  // Worker time spent on a caller's job, for the console's fairness view.
  void charge(const std::string& caller, double seconds, bool done);

  // Forgets finished jobs that ended before now - retention and have no waiter. Returns the
  // cutoff used, for a journal purge.
  std::int64_t purge(std::int64_t now_ms);
  // Forgets the oldest finished jobs (by finished_at) while more than retention_max_jobs
  // are kept or their footprint() is over retention_max_bytes. Returns their ids, for the
  // journal. Unfinished jobs are never trimmed: they are bounded by the queue limits.
  std::vector<std::string> trim();
  // What a kept job costs in memory, roughly: its strings and the book's per-job overhead.
  static std::size_t footprint(const job& j) noexcept;
  std::uint64_t finished_kept() const noexcept { return finished_order_.size(); }
  std::uint64_t finished_bytes() const noexcept { return finished_bytes_; }

  // Counts a final state that was reached elsewhere (a result read from a topic).
  void count_final(const job& j);

  registry_stats stats() const; // with `known` filled in
  registry_stats& counters() noexcept { return stats_; }
  std::uint64_t open_total() const noexcept { return open_total_; }
  std::uint64_t open_for(const std::string& caller) const;
  // Running jobs and the most recently served callers, for the console.
  registry_view view() const;
  const std::unordered_map<std::uint64_t, std::string>& running() const noexcept { return running_on_; }

private:
  struct service_record {
    std::uint64_t jobs_done = 0;
    double compute_seconds = 0;
    std::uint64_t last_active = 0; // served_clock_ at the last charge
  };

  static std::string key_of(const std::string& caller, const std::string& key);
  void open(const job& j);
  void close(const job& j);
  // The index of finished jobs, oldest first, and their footprint.
  void index_finished(entry& e);
  void unindex_finished(entry& e);

  limits limits_;
  std::unordered_map<std::string, entry> jobs_;
  std::unordered_map<std::string, std::string> by_key_; // caller '\n' key -> request id
  std::unordered_map<std::string, std::uint64_t> open_by_caller_;
  std::uint64_t open_total_ = 0;
  std::unordered_map<std::uint64_t, std::string> running_on_; // worker -> request id
  std::unordered_map<std::string, service_record> served_;
  std::uint64_t served_clock_ = 0;
  std::uint64_t next_waiter_ = 1;
  // (finished_at, order of finishing, id): oldest first
  std::set<std::tuple<std::int64_t, std::uint64_t, std::string>> finished_order_;
  std::uint64_t finished_seq_ = 0;
  std::uint64_t finished_bytes_ = 0;
  std::size_t waiters_total_ = 0; // long-polls in every entry
  random_ids ids_;
  rate_limiter rates_;
  registry_stats stats_;
};

// The first step of a batch handler, the same for every actor that keeps its jobs in a
// job_book (the job-registry, the gateway's kafka-bridge): admit_batch through the actor's
// own `check` (its digits and readiness), with a refusal delivered on `rp` (a response
// promise of batch_reply). The admitted numbers and bucket, or nullopt once refused.
template <class Promise>
std::optional<job_book::admitted_batch> admit_batch_or_refuse(job_book& book, const batch_submission& b,
                                                              const job_book::number_check& check,
                                                              Promise& rp) {
  auto admitted = book.admit_batch(b.numbers, b.limits, rate_limiter::clock::now(), check);
  if (auto* refused = std::get_if<batch_reply>(&admitted)) {
    rp.deliver(std::move(*refused));
    return std::nullopt;
  }
  return std::move(std::get<job_book::admitted_batch>(admitted));
}

} // namespace factord::actors
