// Text formats shared by logs, the job model and the console: RFC 3339 timestamps and JSON
// string literals. Plain functions, no JSON library, so any module may use them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace factord::config {

// RFC 3339 UTC with milliseconds: "2026-11-23T12:00:00.123Z".
std::string rfc3339(std::int64_t unix_millis);

// Milliseconds since the Unix epoch, from the system clock.
std::int64_t unix_millis_now();

// A JSON string literal for `s`: quoted and escaped; bytes that are not valid UTF-8
// become U+FFFD, so the result is always valid JSON.
std::string json_quote(std::string_view s);

} // namespace factord::config
