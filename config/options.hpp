// Every factord option, in one table: name, help text, default, parser.
//
// Each option is settable as `--name VALUE` / `--name=VALUE` on the command line, as
// FACTORD_NAME (dashes become underscores) in the environment, and as `name = value` in
// the file given with --config. Precedence: command line > environment > file > default.
#pragma once

#include "config/errc.hpp"
#include "config/origin.hpp"
#include "config/result.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace factord::config {

enum class log_format { text, json };
enum class log_level { debug, info, warn, error };
enum class scheduler_policy { sharing, stealing };
// --auth: unset until chosen; a non-loopback --host refuses to start while it is unset.
enum class auth_mode { unset, off, on };

// --max-digits' default (API.md): the one place it is written. factor/ (GMP only) keeps
// its own copy for `factord factor`; main.cpp checks at compile time that they agree.
inline constexpr unsigned default_max_digits = 300;

struct settings {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  unsigned workers = 0; // 0: one per core
  std::string data_dir = "./factord-data";
  std::chrono::milliseconds ws_idle_timeout{std::chrono::seconds{5}};
  unsigned max_digits = default_max_digits;
  std::chrono::milliseconds job_budget{std::chrono::minutes{10}};
  std::chrono::milliseconds time_slice{100}; // 0: a job keeps its worker until it ends
  unsigned max_suspended = 8;                // jobs parked at once
  unsigned max_running_per_caller = 0;       // 0: all workers while nobody else waits
  log_format log = log_format::text;
  log_level min_log_level = log_level::info;
  std::string kafka; // bootstrap servers, "host:port[,host:port...]"

  // Web pages besides factord's own origin that may open its sockets and console
  // (README "Security"); empty: none, any: '*'.
  origin_list allowed_origins;

  // Bounds (DESIGN.md: every bound is explicit).
  std::size_t max_queued = 100000;           // jobs waiting, all callers together
  std::size_t max_queued_per_caller = 10000; // jobs waiting for one caller
  double rate_per_caller = 0;                // submissions/s per caller (or IP); 0: unlimited
  unsigned burst_per_caller = 0;             // token bucket size; 0: max(1, rate)
  unsigned max_attempts = 3;                 // worker crashes before a job fails
  std::chrono::milliseconds retention{std::chrono::hours{24}}; // finished jobs kept
  std::uint64_t retention_max_jobs = 1'000'000;                // ... at most this many
  std::uint64_t retention_max_bytes = 512ULL << 20;            // ... in about this much memory
  unsigned ws_max_in_flight = 64;                              // numbers per socket; reading pauses at it
  std::size_t max_frame_bytes = 64 * 1024UL;                   // one WebSocket message
  std::size_t max_body_bytes = 1024 * 1024UL;                  // one HTTP request body
  std::size_t max_connections = 20000;                         // open HTTP + WebSocket connections
  std::size_t max_connections_per_ip = 0;                      // per client address; 0: no limit
  std::chrono::milliseconds http_idle_timeout{std::chrono::seconds{30}};
  std::size_t max_batch = 1000;                           // numbers in one POST /v1/jobs:batch
  unsigned io_threads = 1;                                // Asio threads for sockets
  scheduler_policy scheduler = scheduler_policy::sharing; // CAF's scheduler for short handlers
  unsigned scheduler_threads = 0;                         // 0: 1 on up to 2 cores, else cores/2 (at most 4)
  bool journal_sync_full = false;                         // fsync every commit (power-loss safe)
  std::string console_token;                              // empty: console actions are disabled

  // Authentication (README "Security").
  auth_mode auth = auth_mode::unset;
  std::string auth_keys;           // API keys file (SHA-256 of each key); empty: none
  std::string auth_jwt_secret;     // HS256 secret; empty: none
  std::string auth_jwt_public_key; // PEM file of an RS256/ES256 public key; empty: none
  std::string metrics_token;       // empty: /metrics is open (with auth on, admins may read it too)

  // Cluster mode (factord gateway / factord worker).
  std::string topic_prefix = "factord."; // topics: PREFIX + jobs, results, dlq, ...
  std::string node_id;                   // empty: HOSTNAME-PID
  unsigned kafka_partitions = 6;         // partitions of topics factord creates
  std::size_t kafka_read_ahead = 2000;   // jobs a worker holds per partition before pausing it
  std::chrono::milliseconds kafka_timeout{std::chrono::seconds{5}}; // broker ack wait for a submission
};

struct option_spec {
  std::string_view name;       // "ws-idle-timeout"
  std::string_view value_hint; // "DURATION", shown in --help
  std::string_view help;
  // The current value as text (used to show defaults).
  std::string (*show)(const settings&);
  // Stores `text`, or fails with errc::bad_value and a message saying what a valid value
  // looks like (the caller adds where the value came from).
  result<void, errc> (*assign)(settings&, std::string_view text);
};

const std::vector<option_spec>& option_table();

// nullptr if there is no such option.
const option_spec* find_option(std::string_view name);

// "ws-idle-timeout" -> "FACTORD_WS_IDLE_TIMEOUT".
std::string env_name(std::string_view option_name);

// The number of workers to run: `workers`, or the number of cores when it is 0.
unsigned effective_workers(const settings& s);

} // namespace factord::config
