// A verified JWT's claims -> identity: sub, exp, nbf and the optional "factord" claim of
// per-caller settings. Used by jwt.cpp after libjwt has checked the signature; the
// rules are listed at verify_jwt() in jwt.hpp.
#pragma once

#include "net/auth/identity.hpp"

#include <nlohmann/json_fwd.hpp>

#include <chrono>

namespace factord::auth {

// `claims` is the payload's JSON object. expired / not_yet_valid / bad_claims, each with
// a message naming the claim (and the field of "factord") to fix.
result<identity> identity_from_claims(const nlohmann::json& claims, std::chrono::seconds leeway,
                                      std::chrono::system_clock::time_point now);

} // namespace factord::auth
