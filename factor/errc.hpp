// Typed errors of the factor engine. They are mapped to wire codes only at the edges
// (HTTP status + JSON, WebSocket error text, Kafka DLQ record), never here.
#pragma once

#include <string_view>

namespace factord::factor {

enum class errc {
  ok = 0,
  empty_input,     // nothing but whitespace
  not_a_number,    // a character that is not a decimal digit
  not_positive,    // 0 or a negative number
  not_an_integer,  // a fraction, a decimal point or an exponent
  too_many_digits, // more digits than the configured limit
  cancelled,       // the stop hook asked to stop
  budget_exceeded, // the compute budget ran out
};

// Stable snake_case name, used in logs and as the wire code.
constexpr std::string_view to_string(errc e) noexcept {
  switch (e) {
    case errc::ok: return "ok";
    case errc::empty_input: return "empty_input";
    case errc::not_a_number: return "not_a_number";
    case errc::not_positive: return "not_positive";
    case errc::not_an_integer: return "not_an_integer";
    case errc::too_many_digits: return "too_many_digits";
    case errc::cancelled: return "cancelled";
    case errc::budget_exceeded: return "budget_exceeded";
  }
  return "unknown";
}

} // namespace factord::factor
