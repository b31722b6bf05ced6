// Durations as people write them in options: "5s", "250ms", "10min", "1h", "2" (seconds).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace factord::config {

// Parses a non-negative duration; nullopt for anything else (empty, negative, unknown
// unit, overflow).
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

// The shortest exact spelling: 5000ms -> "5s", 600000ms -> "10min".
std::string format_duration(std::chrono::milliseconds d);

} // namespace factord::config
