// Request-target pieces that need no socket: query strings, `?wait=S`, caller ids.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace factord::net {

using query_params = std::vector<std::pair<std::string, std::string>>;

// Longest ?wait= a request may hold its connection (API.md: S <= 2).
inline constexpr std::chrono::milliseconds max_wait{2000};
// API.md: a caller id is 1..128 printable characters.
inline constexpr std::size_t max_caller_id_chars = 128;

// "%41+b" -> "A b". nullopt on a broken escape ("%4", "%zz").
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space = true);

// "a=1&b=&c" -> {a,1},{b,""},{c,""}, decoded, in order, duplicates kept.
// nullopt when any part has a broken escape.
std::optional<query_params> parse_query(std::string_view query);

// The first value of `key`; duplicates after it are ignored (as most frameworks do).
const std::string* find_param(const query_params& params, std::string_view key);

struct wait_result {
  std::chrono::milliseconds value{0};
  std::string error; // empty when valid
};

// "1.5" -> 1500 ms. Decimal seconds, 0 <= S <= 2; no sign, exponent or unit.
wait_result parse_wait(std::string_view text);

// Empty when `id` is a valid caller id, else a message saying what a valid one looks like.
// Printable means: no control characters (ASCII or C1), valid UTF-8; length in code points.
std::string validate_caller_id(std::string_view id);

} // namespace factord::net
