#include "net/errors.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <utility>

namespace factord::net {

namespace {

struct net_mapping {
  errc code;
  unsigned status;
  std::string_view name;
  bool retry; // the client should come back later: send Retry-After
};

// Indexed by errc. API.md: 400 malformed request, 404 unknown, 405, 413 body too large,
// 415 not JSON, 422 invalid content, 503 not ready (with Retry-After); 401/403 as for
// authentication and browsers (README "Security"), 421, 426 and 431 as HTTP defines them.
constexpr std::array<net_mapping, errc_count> net_table{{
    {errc::malformed_request, 400, "malformed_request", false},
    {errc::malformed_query, 400, "malformed_query", false},
    {errc::malformed_json, 400, "malformed_json", false},
    {errc::expected_object, 400, "expected_object", false},
    {errc::duplicate_field, 400, "duplicate_field", false},
    {errc::missing_number, 400, "missing_number", false},
    {errc::missing_numbers, 400, "missing_numbers", false},
    {errc::missing_caller_id, 400, "missing_caller_id", false},
    {errc::invalid_caller_id, 400, "invalid_caller_id", false},
    {errc::invalid_wait, 400, "invalid_wait", false},
    {errc::invalid_idempotency_key, 400, "invalid_idempotency_key", false},
    {errc::missing_request_id, 400, "missing_request_id", false},
    {errc::invalid_interval, 400, "invalid_interval", false},
    {errc::missing_action, 400, "missing_action", false},
    {errc::unauthorized, 401, "unauthorized", false},
    {errc::actions_disabled, 403, "actions_disabled", false},
    {errc::caller_mismatch, 403, "caller_mismatch", false},
    {errc::admin_required, 403, "admin_required", false},
    {errc::origin_not_allowed, 403, "origin_not_allowed", false},
    {errc::not_found, 404, "not_found", false},
    {errc::method_not_allowed, 405, "method_not_allowed", false},
    {errc::request_timeout, 408, "request_timeout", false},
    {errc::body_too_large, 413, "body_too_large", false},
    {errc::unsupported_media_type, 415, "unsupported_media_type", false},
    // The Host names a server we are not (RFC 9110 section 15.5.20), not a forbidden caller.
    {errc::host_not_allowed, 421, "host_not_allowed", false},
    {errc::not_a_number, 422, "not_a_number", false},
    {errc::not_an_array, 422, "not_an_array", false},
    {errc::empty_batch, 422, "empty_batch", false},
    {errc::batch_too_large, 422, "batch_too_large", false},
    {errc::unknown_action, 422, "unknown_action", false},
    {errc::invalid_actor, 422, "invalid_actor", false},
    {errc::invalid_request_id, 422, "invalid_request_id", false},
    // An action's argument, so 422 like its siblings; the same code as a bad request caller.
    {errc::invalid_action_caller, 422, "invalid_caller_id", false},
    {errc::invalid_weight, 422, "invalid_weight", false},
    {errc::action_failed, 422, "action_failed", false},
    {errc::upgrade_required, 426, "upgrade_required", false},
    {errc::headers_too_large, 431, "headers_too_large", false},
    {errc::not_ready, 503, "not_ready", true},
    {errc::too_many_connections, 503, "too_many_connections", true},
    {errc::too_many_viewers, 503, "too_many_viewers", true},
}};

constexpr bool table_follows_enum() {
  for (std::size_t i = 0; i < net_table.size(); ++i)
    if (static_cast<std::size_t>(net_table[i].code) != i) return false;
  return true;
}
static_assert(table_follows_enum(), "net_table: one row per errc, in enum order");

const net_mapping& row(errc code) { return net_table[static_cast<std::size_t>(code)]; }

struct api_mapping {
  unsigned status;
  const char* default_code;
  const char* default_message;
  bool retry;
};

api_mapping map_code(actors::api_errc code) {
  switch (code) {
    case actors::api_errc::invalid_number:
      return {422, "invalid_number", "the number is not a positive decimal integer", false};
    case actors::api_errc::not_found: return {404, "not_found", "no job has this request id", false};
    case actors::api_errc::queue_full:
      return {429, "queue_full", "too many jobs are waiting; retry after the given delay", true};
    case actors::api_errc::not_ready:
      return {503, "not_ready", "the server is not accepting work right now; retry later", true};
    case actors::api_errc::rate_limited:
      return {429, "rate_limited", "too many submissions; retry after the given delay", true};
    case actors::api_errc::bad_request: break;
  }
  return {400, "bad_request", "the request is malformed", false};
}

// A 429/503 without Retry-After makes clients hammer us.
std::chrono::seconds retry_delay(bool retry, std::chrono::seconds hint) {
  return retry ? std::max(hint, std::chrono::seconds{1}) : std::chrono::seconds{0};
}

} // namespace

std::string_view code_name(errc code) { return row(code).name; }

unsigned http_status(errc code) { return row(code).status; }

failure not_ready(std::string_view what, std::string_view what_to_do) {
  return fail(errc::not_ready, std::string{what} + "; " + std::string{what_to_do});
}

failure shutting_down() { return not_ready("the server is shutting down", "retry on another instance"); }

http_error to_http_error(const failure& f, std::chrono::seconds retry_after) {
  const auto& m = row(f.code);
  http_error out;
  out.status = m.status;
  out.code = std::string{m.name};
  out.message = f.message;
  out.retry_after = retry_delay(m.retry, retry_after);
  return out;
}

http_error to_http_error(const actors::api_error& e) {
  auto m = map_code(e.code);
  http_error out;
  out.status = m.status;
  out.code = e.reason.empty() ? m.default_code : e.reason;
  out.message = e.message.empty() ? m.default_message : e.message;
  out.retry_after = retry_delay(m.retry, e.retry_after);
  return out;
}

std::string error_body(const http_error& e) {
  nlohmann::ordered_json inner = {{"code", e.code}, {"message", e.message}};
  if (e.index) inner["index"] = *e.index;
  nlohmann::ordered_json body = {{"error", std::move(inner)}};
  // replace: a message may echo client bytes that are not valid UTF-8.
  return body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

} // namespace factord::net
