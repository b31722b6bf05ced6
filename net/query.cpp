#include "net/query.hpp"

#include "config/caller_id.hpp"

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
  std::size_t i = 0;
  std::int64_t whole = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    if (whole > 2) // bounded before it can overflow
      return fail(errc::invalid_wait, hint);
    whole = whole * 10 + (text[i] - '0');
    ++i;
  }
  bool had_whole = i > 0;
  std::int64_t millis = whole * 1000;
  bool had_fraction = false;
  if (i < text.size() && text[i] == '.') {
    ++i;
    std::int64_t scale = 100;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      millis += (text[i] - '0') * scale; // digits beyond milliseconds are dropped
      scale /= 10;
      had_fraction = true;
      ++i;
    }
    if (!had_fraction) return fail(errc::invalid_wait, hint);
  }
  if (i != text.size() || (!had_whole && !had_fraction) || millis > max_wait.count())
    return fail(errc::invalid_wait, hint);
  return std::chrono::milliseconds{millis};
}

result<void> validate_caller_id(std::string_view id) {
  if (!config::is_valid_caller_id(id))
    return fail(errc::invalid_caller_id, std::string(config::caller_id_rule));
  return {};
}

} // namespace factord::net
