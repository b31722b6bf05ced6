// JSON in and out of the REST API (API.md "REST"). Pure functions: no socket, no actor.
//
// Numbers arrive as a JSON string or a JSON integer of any size. nlohmann stores an
// integer beyond 64 bits as a double and loses digits, so the codec reads the body with a
// SAX handler that sees each number's original text and passes that text on unchanged.
// Whether the text is a valid number (sign, fraction, digits limit) is the registry's
// call: one parser decides for REST and WebSocket alike.
#pragma once

#include "actors/protocol/job.hpp"
#include "net/errors.hpp"

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

struct number_result {
  bool ok = false;
  std::string number; // the string's content or the JSON number's original text
  http_error error;
};

// {"number": ...} -> the number text.
number_result extract_number(std::string_view body);

struct numbers_result {
  bool ok = false;
  std::vector<std::string> numbers;
  http_error error; // with index when one element is wrong
};

// {"numbers": [...]} -> the number texts, at most max_numbers (option --max-batch).
numbers_result extract_numbers(std::string_view body, std::size_t max_numbers);

// True for application/json and application/<x>+json, with or without parameters.
bool is_json_content_type(std::string_view content_type);

} // namespace factord::net
