// JSON in and out of the REST API (API.md "REST"). Pure functions: no socket, no actor.
//
// Numbers arrive as a JSON string or a JSON integer of any size. nlohmann stores an
// integer beyond 64 bits as a double and loses digits, so the codec reads the body with a
// SAX handler that sees each number's original text and passes that text on unchanged.
// Whether the text is a valid number (sign, fraction, digits limit) is the registry's
// call: one parser decides for REST and WebSocket alike.
#pragma once

#include "actors/protocol/job.hpp"
#include "net/errc.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace factord::net {

// The job object of API.md: factors only when done, error only when failed/cancelled,
// timestamps RFC 3339 or null.
std::string job_to_json(const actors::job& j);

// 202 body: {"request_id","status","status_url"}. `status_url` is also the Location.
std::string accepted_to_json(const actors::job& j, std::string_view status_url);

// 202 body of a batch: {"request_ids":[...]} in submission order.
std::string batch_accepted_to_json(const std::vector<actors::job>& jobs);

// {"number": ...} -> the number text: the string's content or the JSON number's original
// text.
result<std::string> extract_number(std::string_view body);

// One element of a batch: its number text, or not_a_number (an object, array, bool, null)
// naming the element ("numbers[3] must be ...").
using batch_element = result<std::string>;

// {"numbers": [...]} -> its 1..max_numbers elements (option --max-batch), in order. The body
// as a whole fails (malformed_json, not_an_array, batch_too_large, ...) before any element
// is judged; an element's own failure keeps its place, so the caller can name its index.
result<std::vector<batch_element>> extract_numbers(std::string_view body, std::size_t max_numbers);

// A WebSocket's first frame with --auth on: {"type":"auth","token":"<API key or JWT>"}.
// The token, or what is wrong with the frame (never echoing it).
result<std::string> parse_auth_frame(std::string_view text);

// The answer to an accepted auth frame: {"type":"auth","ok":true,"caller_id":"..."}.
std::string auth_ok_frame(const std::string& caller_id);

// True for application/json and application/<x>+json, with or without parameters.
bool is_json_content_type(std::string_view content_type);

// A request body's Content-Type must be JSON; anything else, a missing one included, is
// unsupported_media_type. A web page can POST cross-site without asking first only as
// text/plain, a form or multipart ("simple requests"), so this keeps pages of other sites
// from submitting work (README "Security").
result<void> check_json_content_type(std::string_view content_type);

} // namespace factord::net
