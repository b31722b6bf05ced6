// net/'s own errors, as values: fail(errc::..., "what to do") in a net::result<T>. Which
// HTTP status and wire code each becomes is decided in one place, net/errors.cpp; this
// header stays free of HTTP and actor types so the pure parsers can use it.
#pragma once

#include "config/result.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace factord::net {

// Requests the edge refuses before (or instead of) asking an actor. Each has one HTTP
// status and one wire code (snake_case, stable: clients switch on it); see errors.cpp.
enum class errc : std::uint8_t {
  // 400: the request is malformed
  malformed_request,       // not valid HTTP/1.1
  malformed_query,         // a broken percent-escape in the query string
  malformed_json,          // the body is empty or not JSON
  expected_object,         // JSON, but not an object
  duplicate_field,         // the body names a field twice
  missing_number,          // POST /v1/jobs without "number"
  missing_numbers,         // POST /v1/jobs:batch without "numbers"
  missing_caller_id,       // neither X-Caller-ID nor ?caller_id=
  invalid_caller_id,       // X-Caller-ID, ?caller_id=, ?userid= breaks the caller id rules
  invalid_wait,            // ?wait= is not 0..2 seconds
  invalid_idempotency_key, // Idempotency-Key over 256 bytes or not printable ASCII
  missing_request_id,      // GET /v1/jobs without ?request_id=
  invalid_interval,        // ?interval_ms= of the console stream out of bounds
  missing_action,          // a console action without "action"
  unauthorized,            // 401 + WWW-Authenticate: no valid credential (--auth on), or a
                           // console action without the console token
  actions_disabled,        // 403: console actions while --console-token is unset
  caller_mismatch,         // 403: --auth on, and X-Caller-ID/caller_id/userid names another caller
  admin_required,          // 403: --auth on, a console or /v1/actors request without an admin credential
  origin_not_allowed,      // 403: a socket or console request from a page of another origin
  not_found,               // 404: no such route, a job route on a worker, no such console file
  method_not_allowed,      // 405 (with Allow)
  request_timeout,         // 408: the head or body came too slowly (config/limits.hpp), then close
  body_too_large,          // 413: over --max-body-bytes
  unsupported_media_type,  // 415: a body without Content-Type: application/json
  host_not_allowed,        // 421: on a loopback bind, a Host that is not loopback (DNS rebinding)
  // 422: well-formed, but the content is wrong
  not_a_number,          // "number" (or a batch element) is not a string or integer
  not_an_array,          // "numbers" is not an array
  empty_batch,           // "numbers" is []
  batch_too_large,       // more than --max-batch numbers
  unknown_action,        // a console action factord does not have
  invalid_actor,         // close_session without a ws-session id
  invalid_request_id,    // cancel_job without a request id
  invalid_action_caller, // pause/resume/set_weight without a valid caller (code invalid_caller_id)
  invalid_weight,        // set_weight outside 1..100
  action_failed,         // the console refused the action (its message says why)
  upgrade_required,      // 426: a WebSocket path without an upgrade
  headers_too_large,     // 431: request line and headers over 8 KiB
  not_ready,             // 503 + Retry-After: build it with not_ready() below
  too_many_connections,  // 503 + Retry-After: over --max-connections, refused at accept
  too_many_viewers,      // 503 + Retry-After: limits::max_console_viewers console streams are open
};

inline constexpr std::size_t errc_count = static_cast<std::size_t>(errc::too_many_viewers) + 1;

template <class T>
using result = factord::result<T, errc>;
using failure = factord::failure<errc>;
using factord::fail; // beside net::fail(ec, what), the I/O error logger of beast_sessions.hpp

// The one shape of every 503 not_ready net/ sends: "<what is not ready>; <what to do>".
failure not_ready(std::string_view what, std::string_view what_to_do = "retry shortly");
// ready == false: the listener is closing and the node's actors are stopping.
failure shutting_down();

} // namespace factord::net
