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
job_reply failed_reply(api_error e);
job_reply ok_reply(const job& j, bool created = false);
// 404 for an id this node does not know (or no longer keeps).
job_reply unknown_id_reply(const std::string& id);

// A submitted number, checked against API.md's rules and --max-digits: the normalized
// decimal, or a 422 error with the engine's reason.
std::variant<std::string, api_error> normalize_number(const std::string& text, unsigned max_digits);

// A batch is admitted whole or not at all: `admit(text, normalized)` checks one number
// (normalizing it) and returns its refusal, if any. The normalized numbers, or the batch's
// refusal naming the first bad number.
std::variant<std::vector<std::string>, batch_reply>
admit_batch(const std::vector<std::string>& numbers,
            const std::function<std::optional<api_error>(const std::string&, std::string&)>& admit);

} // namespace factord::actors
