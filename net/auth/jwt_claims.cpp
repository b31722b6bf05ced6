#include "net/auth/jwt_claims.hpp"

#include "config/caller_id.hpp"
#include "config/limits.hpp"
#include "config/text.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>

namespace factord::auth {

namespace {

using json = nlohmann::json;
using std::chrono::milliseconds;

// 9999-12-31T23:59:59Z: a NumericDate beyond it is not a date anyone means.
constexpr double max_numeric_date = 253402300799.0;

failure<auth_errc> bad_claims(const std::string& what) {
  return fail(auth_errc::bad_claims, "the JWT's claims are not accepted: " + what);
}

// A NumericDate claim (RFC 7519 2: seconds since 1970, fractions allowed) in milliseconds;
// nothing when it is not a number in 0..max_numeric_date.
std::optional<milliseconds> numeric_date(const json& value) {
  if (!value.is_number()) return std::nullopt;
  double seconds = value.get<double>();
  if (!std::isfinite(seconds) || seconds < 0 || seconds > max_numeric_date) return std::nullopt;
  return milliseconds{static_cast<std::int64_t>(std::floor(seconds * 1000))};
}

// A whole JSON number in [min, max]; 5.0 and "5" are not.
std::optional<std::uint64_t> whole_number(const json& value, std::uint64_t min, std::uint64_t max) {
  if (!value.is_number_integer()) return std::nullopt;
  if (value.is_number_unsigned()) {
    auto n = value.get<std::uint64_t>();
    if (n < min || n > max) return std::nullopt;
    return n;
  }
  auto n = value.get<std::int64_t>();
  if (n < 0 || static_cast<std::uint64_t>(n) < min || static_cast<std::uint64_t>(n) > max)
    return std::nullopt;
  return static_cast<std::uint64_t>(n);
}

// The "factord" claim into `who`: each field optional, no other field.
result<identity> read_settings(const json& claim, identity who) {
  if (!claim.is_object())
    return bad_claims("\"factord\" must be an object like {\"weight\": 2, \"admin\": false}");
  constexpr auto unsigned_max = std::numeric_limits<unsigned>::max();
  for (const auto& [field, value] : claim.items()) {
    if (field == "weight") {
      auto n = whole_number(value, 1, config::limits::max_caller_weight);
      if (!n) return bad_claims("factord.weight must be a whole number from 1 to 100");
      who.limits.weight = static_cast<unsigned>(*n);
    } else if (field == "rate") {
      if (!value.is_number() || !std::isfinite(value.get<double>()) || value.get<double>() <= 0)
        return bad_claims("factord.rate must be a number of submissions per second above 0");
      who.limits.rate = value.get<double>();
    } else if (field == "burst") {
      auto n = whole_number(value, 1, unsigned_max);
      if (!n) return bad_claims("factord.burst must be a whole number of at least 1");
      who.limits.burst = static_cast<unsigned>(*n);
    } else if (field == "max_queued") {
      auto n = whole_number(value, 1, std::numeric_limits<std::size_t>::max());
      if (!n) return bad_claims("factord.max_queued must be a whole number of at least 1");
      who.limits.max_queued = static_cast<std::size_t>(*n);
    } else if (field == "max_digits") {
      auto n = whole_number(value, 1, config::limits::max_caller_digits);
      if (!n)
        return bad_claims("factord.max_digits must be a whole number from 1 to " +
                          std::to_string(config::limits::max_caller_digits));
      who.limits.max_digits = static_cast<unsigned>(*n);
    } else if (field == "admin") {
      if (!value.is_boolean()) return bad_claims("factord.admin must be true or false");
      who.admin = value.get<bool>();
    } else {
      // The issuer's own text, signed, but quoted and cut short all the same.
      return bad_claims("factord has an unknown field " + config::json_quote(field.substr(0, 40)) +
                        "; the fields are weight, rate, burst, max_queued, max_digits, admin");
    }
  }
  return who;
}

} // namespace

result<identity> identity_from_claims(const json& claims, std::chrono::seconds leeway,
                                      std::chrono::system_clock::time_point now) {
  auto now_ms = std::chrono::duration_cast<milliseconds>(now.time_since_epoch());
  auto leeway_ms = std::chrono::duration_cast<milliseconds>(leeway);
  identity who;

  if (auto exp = claims.find("exp"); exp != claims.end()) {
    auto at = numeric_date(*exp);
    if (!at) return bad_claims("exp must be a number of seconds since 1970 (RFC 7519 NumericDate)");
    if (now_ms >= *at + leeway_ms)
      return fail(auth_errc::expired,
                  "the JWT expired at " + config::rfc3339(at->count()) + "; ask its issuer for a new one");
    // system_clock counts nanoseconds in 64 bits, which ends in 2262.
    auto latest = std::chrono::duration_cast<milliseconds>(
        std::chrono::system_clock::time_point::max().time_since_epoch());
    if (*at < latest) who.expires = std::chrono::system_clock::time_point(*at);
  }
  if (auto nbf = claims.find("nbf"); nbf != claims.end()) {
    auto at = numeric_date(*nbf);
    if (!at) return bad_claims("nbf must be a number of seconds since 1970 (RFC 7519 NumericDate)");
    if (now_ms + leeway_ms < *at)
      return fail(auth_errc::not_yet_valid, "the JWT is not valid before " + config::rfc3339(at->count()) +
                                                "; check the issuer's clock, or wait");
  }

  auto sub = claims.find("sub");
  if (sub == claims.end() || !sub->is_string() || sub->get_ref<const std::string&>().empty())
    return bad_claims("it has no sub; sub is the caller id its jobs are filed under");
  // Not quoted back: it may hold control characters meant for a log.
  if (!config::is_valid_caller_id(sub->get_ref<const std::string&>()))
    return bad_claims("sub is not a valid caller id: " + std::string(config::caller_id_rule));
  who.caller_id = sub->get<std::string>();

  if (auto settings = claims.find("factord"); settings != claims.end())
    return read_settings(*settings, std::move(who));
  return who;
}

} // namespace factord::auth
