// The text of a submission rate, as the options (--rate-per-caller) and key files (rate=)
// write it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace factord::config {

// A rate in submissions per second as options and key files write it: a plain decimal
// (digits and at most one '.', no sign or exponent) from 0 to 1e6; nullopt otherwise.
std::optional<double> parse_rate(std::string_view text);
// The shortest text parse_rate() reads back as `rate`.
std::string format_rate(double rate);

} // namespace factord::config
