// Replies and errors of the job-registry protocol, built the same way by every actor that
// speaks it (the job-registry, the gateway's kafka-bridge). net/ maps api_error to HTTP and
// WebSocket in one place (net/errors.cpp).
#pragma once

#include "actors/protocol/api.hpp"

#include <functional>
#include <optional>
#include <string>
#include <variant>

namespace factord::actors {

api_error make_error(api_errc code, std::string reason, std::string message, int retry_after_seconds = 0);
// `rate`: the caller's bucket, when the refusal came with one (rate limits).
job_reply failed_reply(api_error e, rate_state rate = {});
job_reply ok_reply(const job& j, bool created = false);
// 404 for an id this node does not know (or no longer keeps).
job_reply unknown_id_reply(const std::string& id);

// A submitted number, checked against API.md's rules and --max-digits: the normalized
// decimal, or a 422 error with the engine's reason.
std::variant<std::string, api_error> normalize_number(const std::string& text, unsigned max_digits);

} // namespace factord::actors
