// The job model shared by the registry, the journal, the scheduler and the codecs.
// Plain data: no actor types here, so pure-logic code and tests use it freely.
#pragma once

#include "actors/protocol/cancel_handle.hpp"
#include "config/text.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace factord::actors {

enum class job_status : std::uint8_t { queued, running, done, failed, cancelled };

std::string_view to_string(job_status s) noexcept;
// Inverse of to_string; false for unknown text.
bool parse_job_status(std::string_view text, job_status& out) noexcept;

struct job {
  std::string request_id;
  std::string caller_id;
  std::string number; // normalized decimal, no sign or leading zeros
  job_status status = job_status::queued;
  std::vector<std::string> factors; // decimal primes, ascending, when done
  std::string error_code;           // snake_case, when failed
  std::string error_message;
  std::int64_t queued_at = 0; // Unix time in milliseconds; 0 = not yet
  std::int64_t started_at = 0;
  std::int64_t finished_at = 0;
  std::string idempotency_key; // empty when the client sent none
  std::uint32_t attempts = 0;  // starts on a worker (crashed workers count)
  std::string method;          // hardest factoring method needed, when done
  unsigned weight = 0;         // the credential's fair-share weight (0: none); not journalled

  bool finished() const noexcept {
    return status == job_status::done || status == job_status::failed || status == job_status::cancelled;
  }
};

// What a worker needs to run a job; travels registry -> dispatcher -> caller-queue -> worker.
struct job_ticket {
  std::string request_id;
  std::string caller_id;
  std::string number;
  // The caller's scheduling weight from its credential (0: none given). The dispatcher
  // uses the latest one it saw, unless an operator set a weight in the console.
  unsigned weight = 0;
  // The worker starts the engine only once the registry says the start is journalled
  // (cancel_handle::wait_start_recorded): set for jobs that were unfinished at a restart or
  // lost a worker, so each further attempt is counted even if it kills the process at once.
  bool record_start_first = false;
};

// Timestamps of the job model (config/text.hpp).
using config::rfc3339;
using config::unix_millis_now;

} // namespace factord::actors
