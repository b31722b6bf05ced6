#include "config/rate.hpp"

#include <charconv>

namespace factord::config {

// A rate in submissions per second: a plain decimal (no exponent, no sign), 0..1e6.
std::optional<double> parse_rate(std::string_view text) {
  if (text.empty() || text.size() > 20) return std::nullopt;
  std::size_t dots = 0;
  for (char c : text) {
    if (c == '.')
      ++dots;
    else if (c < '0' || c > '9')
      return std::nullopt;
  }
  if (dots > 1 || text.front() == '.' || text.back() == '.') return std::nullopt;
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || !(value >= 0) || value > 1e6)
    return std::nullopt;
  return value;
}

std::string format_rate(double rate) {
  char buf[400]; // fixed notation of any double fits
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, rate, std::chars_format::fixed);
  return ec == std::errc{} ? std::string(buf, end) : std::string("0");
}

} // namespace factord::config
