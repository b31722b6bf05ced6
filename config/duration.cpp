#include "config/duration.hpp"

#include <cstdint>
#include <limits>

namespace factord::config {

namespace {

struct unit {
  std::string_view suffix;
  std::int64_t millis;
};

// Longest suffixes first so "ms" is not read as "m" + "s".
constexpr unit units[] = {{"min", 60'000}, {"ms", 1}, {"h", 3'600'000}, {"m", 60'000}, {"s", 1'000}};

} // namespace

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  std::size_t digits = 0;
  std::int64_t value = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') {
    if (value > (std::numeric_limits<std::int64_t>::max() - 9) / 10) return std::nullopt;
    value = value * 10 + (text[digits] - '0');
    ++digits;
  }
  if (digits == 0) return std::nullopt;
  std::string_view suffix = text.substr(digits);
  std::int64_t scale = 1'000; // a bare number is seconds
  if (!suffix.empty()) {
    scale = 0;
    for (const auto& u : units)
      if (suffix == u.suffix) scale = u.millis;
    if (scale == 0) return std::nullopt;
  }
  if (value > std::numeric_limits<std::int64_t>::max() / scale) return std::nullopt;
  return std::chrono::milliseconds{value * scale};
}

std::string format_duration(std::chrono::milliseconds d) {
  auto ms = d.count();
  if (ms != 0 && ms % 3'600'000 == 0) return std::to_string(ms / 3'600'000) + "h";
  if (ms != 0 && ms % 60'000 == 0) return std::to_string(ms / 60'000) + "min";
  if (ms != 0 && ms % 1'000 == 0) return std::to_string(ms / 1'000) + "s";
  return std::to_string(ms) + "ms";
}

} // namespace factord::config
