// The job-registry's client-facing protocol: what net/ (and ws-session) send and get back.
// Errors are values here (api_errc + message); net/ maps them to HTTP/WS in one place.
#pragma once

#include "actors/protocol/job.hpp"
#include "actors/protocol/job_messages.hpp"

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace factord::actors {

enum class api_errc : std::uint8_t {
  invalid_number, // 422: the number breaks API.md's rules
  not_found,      // 404: unknown request id
  queue_full,     // 429: a queue bound was reached; retry later
  not_ready,      // 503: shutting down or the journal is failing
  bad_request,    // 400: malformed input that is not a number problem
  rate_limited,   // 429: the caller's submission rate (token bucket); retry after the given delay
};

inline constexpr std::size_t api_errc_count = static_cast<std::size_t>(api_errc::rate_limited) + 1;

// The api_errc's snake_case name: the reason label of factord_refusals_total.
const char* to_string(api_errc code) noexcept;

struct api_error {
  api_errc code = api_errc::bad_request;
  std::string reason;  // snake_case detail, e.g. "too_many_digits", "caller_queue_full"
  std::string message; // what to do, for a person
  std::chrono::seconds retry_after{0};
};

// The limits a submission is held to: the caller's credential where it sets one, else the
// server's options (net/ fills it in; with --auth off, always the options). Enforced once,
// in job_book, by `serve` and gateways alike.
struct submit_limits {
  std::string rate_key;         // whose token bucket: "caller:ID" (--auth on) or "ip:ADDRESS"
  double rate = 0;              // submissions per second; 0: unlimited (no bucket)
  std::uint32_t burst = 1;      // bucket size
  std::uint64_t max_queued = 0; // jobs waiting for this caller; 0: --max-queued-per-caller
  unsigned max_digits = 0;      // digits; 0: --max-digits. Only ever lowers --max-digits
  unsigned weight = 0;          // fair-share weight from the credential; 0: none given
};

// A rate limit's bucket after a submission, for X-RateLimit-* headers. limit 0: none applies.
struct rate_state {
  std::uint32_t limit = 0;         // the burst
  std::uint32_t remaining = 0;     // whole tokens left
  std::uint32_t reset_seconds = 0; // until the bucket is full again, rounded up
};

// POST /v1/jobs, a WebSocket number.
struct submission {
  std::string caller_id;
  std::string number;          // as received; the registry parses it
  std::string idempotency_key; // empty: none
  caf::actor watcher;          // if set, gets (jobdone_atom, job) when the job finishes
  submit_limits limits;
};

// Who asks for a job by request id (GET, DELETE, a long-poll): what it may see is decided
// once, in job_book::find_for(). A non-admin sees only the jobs filed under its caller id;
// an admin (an operator's console action, or any request while authentication is off) sees
// every job. A default-constructed requester is a caller with no id, which sees nothing:
// forgetting to fill one in must hide jobs, not show all of them.
struct requester {
  std::string caller_id;
  bool admin = false;
};

// Every job: the console's operator, and REST while authentication is off.
inline requester as_admin() { return {{}, true}; }
// Only the jobs of `caller_id`.
inline requester as_caller(std::string caller_id) { return {std::move(caller_id), false}; }

// POST /v1/jobs:batch.
struct batch_submission {
  std::string caller_id;
  std::vector<std::string> numbers;
  submit_limits limits; // a batch of N costs N tokens, all or none
};

// Reply to submit/fetch/cancel.
struct job_reply {
  bool ok = false;
  bool created = false; // submit: false when an idempotency key matched an earlier job
  job value;
  api_error error;
  rate_state rate; // submit: the caller's bucket, when a rate limit applies
};

// Reply to batch: all accepted, or none with the error (and index of the bad number).
struct batch_reply {
  bool ok = false;
  std::vector<job> jobs;
  api_error error;
  std::size_t bad_index = 0;
  rate_state rate; // the caller's bucket, when a rate limit applies
};

// Counters and gauges of the registry, for /metrics and the console.
struct registry_stats {
  std::uint64_t accepted = 0;
  std::uint64_t done = 0;
  std::uint64_t failed = 0;
  std::uint64_t cancelled = 0;
  std::uint64_t rejected = 0;                          // invalid or over a bound
  std::array<std::uint64_t, api_errc_count> refused{}; // submissions refused, by api_errc
  std::uint64_t requeued = 0;                          // after a worker crash
  std::uint64_t workers_lost = 0;                      // worker crashes (each was replaced)
  std::uint64_t queued = 0;                            // gauge: waiting
  std::uint64_t running = 0;                           // gauge: on a worker
  std::uint64_t known = 0;                             // gauge: jobs held in memory (all states)
  std::uint64_t journal_commits = 0;
  std::uint64_t journal_errors = 0;
  // Seconds from acceptance to finish of done jobs, bucketed for a histogram.
  std::vector<double> latency_bounds;
  std::vector<std::uint64_t> latency_counts; // cumulative per bound, Prometheus-style
  double latency_sum = 0;
  std::uint64_t latency_count = 0;
  double worker_busy_seconds = 0;
};

// What the console shows about jobs on workers and about each caller's share of them.
struct registry_view {
  struct running_job {
    caf::actor_id worker = 0;
    std::string request_id;
    std::string caller_id;
    std::size_t digits = 0;
    std::int64_t started_at = 0; // Unix ms
  };
  struct caller_service {
    std::string caller;
    std::uint64_t jobs_done = 0;
    double compute_seconds = 0; // worker time spent on this caller's jobs, cumulative
  };
  std::vector<running_job> running;
  std::vector<caller_service> callers; // the most recently served, at most 200
};

} // namespace factord::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(factord::actors::requester)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(factord::actors::submission)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(factord::actors::batch_submission)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(factord::actors::job_reply)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(factord::actors::batch_reply)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(factord::actors::registry_stats)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(factord::actors::registry_view)
