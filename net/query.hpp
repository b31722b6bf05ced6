// Request-target pieces that need no socket: query strings, `?wait=S`, caller ids.
#pragma once

#include "net/errc.hpp"

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace factord::net {

using query_params = std::vector<std::pair<std::string, std::string>>;

// Longest ?wait= a request may hold its connection (API.md: S <= 2).
inline constexpr std::chrono::milliseconds max_wait{2000};

// "%41+b" -> "A b". malformed_query on a broken escape ("%4", "%zz").
result<std::string> percent_decode(std::string_view text, bool plus_is_space = true);

// "a=1&b=&c" -> {a,1},{b,""},{c,""}, decoded, in order, duplicates kept.
// malformed_query when any part has a broken escape.
result<query_params> parse_query(std::string_view query);

// The first value of `key`; duplicates after it are ignored (as most frameworks do).
const std::string* find_param(const query_params& params, std::string_view key);

// "1.5" -> 1500 ms. Seconds, 0 <= S <= 2 exactly ("2.0001" is over), written as a decimal
// or as JSON writes a number ("1.5", ".25", "2.5e-1", "1E-3": what clients print for a
// float); no sign on the number, no unit. Below a millisecond is dropped. invalid_wait.
result<std::chrono::milliseconds> parse_wait(std::string_view text);

// OK when `id` is a valid caller id (config/caller_id.hpp), else invalid_caller_id saying
// what a valid one looks like.
result<void> validate_caller_id(std::string_view id);

} // namespace factord::net
