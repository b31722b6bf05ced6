// Who a request comes from once its credential is checked (--auth on): the caller id its
// jobs are filed under, whether it is an admin (sees every caller's jobs, the console), and
// its own limits, which override the server's options where set. Plain data, shared by the
// API-key table (key_file.hpp) and JWT verification (jwt.hpp).
#pragma once

#include "config/result.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace factord::auth {

// Per-caller settings from a key line or a JWT claim; unset: the server's option.
struct caller_limits {
  std::optional<unsigned> weight;        // fair share, 1..100 (the console's set_weight)
  std::optional<double> rate;            // submissions per second, token bucket
  std::optional<unsigned> burst;         // bucket size
  std::optional<std::size_t> max_queued; // jobs waiting (--max-queued-per-caller)
  std::optional<unsigned> max_digits;    // --max-digits for this caller, at most the server's
};

struct identity {
  std::string caller_id;
  bool admin = false;
  caller_limits limits;
  // When the credential stops being valid (a JWT's exp); never for API keys.
  std::chrono::system_clock::time_point expires = std::chrono::system_clock::time_point::max();
};

// Why a credential was refused. Every one is a 401 with WWW-Authenticate: Bearer at the
// edge (net/errors.cpp); the message says what to fix, never what the secret was.
enum class auth_errc : std::uint8_t {
  missing,           // no credential where one is needed
  malformed,         // not an API key or a JWT at all
  unknown_key,       // an API key that is not (or no longer) in --auth-keys
  bad_signature,     // a JWT whose signature does not verify
  algorithm_refused, // alg none, or an algorithm the configured key is not for
  expired,           // exp in the past (beyond the leeway)
  not_yet_valid,     // nbf in the future (beyond the leeway)
  bad_claims,        // no sub, a sub that is not a valid caller id, a malformed limits claim
};

template <class T>
using result = factord::result<T, auth_errc>;

} // namespace factord::auth
