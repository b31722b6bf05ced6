#include "net/query.hpp"

#include "config/caller_id.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

namespace factord::net {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

} // namespace

result<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  static constexpr const char* hint = "the query string has a broken percent-escape; encode '%' as %25";
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) // "%4" at the end
        return fail(errc::malformed_query, hint);
      int hi = hex_value(text[i + 1]);
      int lo = hex_value(text[i + 2]);
      if (hi < 0 || lo < 0) return fail(errc::malformed_query, hint);
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

result<query_params> parse_query(std::string_view query) {
  query_params params;
  while (!query.empty()) {
    auto amp = query.find('&');
    auto part = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (part.empty()) continue; // "a=1&&b=2": tolerated, as browsers produce it
    auto eq = part.find('=');
    auto key = percent_decode(part.substr(0, eq));
    auto value = percent_decode(eq == std::string_view::npos ? std::string_view{} : part.substr(eq + 1));
    if (!key) return key.error();
    if (!value) return value.error();
    params.emplace_back(std::move(key).value(), std::move(value).value());
  }
  return params;
}

const std::string* find_param(const query_params& params, std::string_view key) {
  for (const auto& [k, v] : params)
    if (k == key) return &v;
  return nullptr;
}

result<std::chrono::milliseconds> parse_wait(std::string_view text) {
  static constexpr const char* hint = "wait must be a number of seconds from 0 to 2, e.g. wait=1.5";
  // The value is 0.d1d2d3... * 10^point, d1 the first digit that is not a leading zero.
  // Only the first four significant digits matter (d.ddd seconds at most) and whether any
  // later one is not 0, so any length of text takes constant memory and the bound is exact.
  std::array<int, 4> lead{};
  std::size_t significant = 0;
  bool nonzero_beyond = false;
  std::int64_t point = 0;
  bool digits = false;
  bool dot = false;
  bool fraction = false;
  std::size_t i = 0;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c == '.' && !dot) {
      dot = true;
      continue;
    }
    if (c < '0' || c > '9') break;
    digits = true;
    fraction = fraction || dot;
    int d = c - '0';
    if (significant == 0 && d == 0) { // a leading zero: "002", "0.005"
      if (dot) --point;
      continue;
    }
    if (!dot) ++point;
    if (significant < lead.size())
      lead[significant] = d;
    else
      nonzero_beyond = nonzero_beyond || d != 0;
    ++significant;
  }
  if (!digits || (dot && !fraction)) return fail(errc::invalid_wait, hint); // "", ".", "1."
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool negative = i < text.size() && text[i] == '-';
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
    // Saturates past the text's length: beyond it every value is 0 or over 2 alike.
    const auto saturated = static_cast<std::int64_t>(text.size()) + 8;
    std::int64_t exponent = 0;
    std::size_t first = i;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i)
      exponent = std::min(saturated, exponent * 10 + (text[i] - '0'));
    if (i == first) return fail(errc::invalid_wait, hint); // "1e", "1e+"
    point += negative ? -exponent : exponent;
  }
  if (i != text.size()) return fail(errc::invalid_wait, hint);
  if (significant == 0) return std::chrono::milliseconds{0};
  bool over_two =
      point > 1 ||
      (point == 1 &&
       (lead[0] > 2 || (lead[0] == 2 && (lead[1] != 0 || lead[2] != 0 || lead[3] != 0 || nonzero_beyond))));
  if (over_two) return fail(errc::invalid_wait, hint);
  // Whole milliseconds, the rest dropped: the first point + 3 significant digits.
  std::int64_t millis = 0;
  for (std::int64_t k = 0; k < point + 3; ++k) millis = millis * 10 + lead[static_cast<std::size_t>(k)];
  return std::chrono::milliseconds{millis};
}

result<void> validate_caller_id(std::string_view id) {
  if (!config::is_valid_caller_id(id))
    return fail(errc::invalid_caller_id, std::string(config::caller_id_rule));
  return {};
}

} // namespace factord::net
