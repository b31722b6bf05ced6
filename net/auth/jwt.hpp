// JWT credentials (--auth-jwt-secret, --auth-jwt-public-key): the keys, loaded and checked
// once at startup, and the verification of one token into an identity. Signatures are
// verified by libjwt; this file decides which algorithm and which key a token may use,
// and what its claims must be. See README.md for what is refused and why.
#pragma once

#include "config/errc.hpp"
#include "config/limits.hpp"
#include "config/result.hpp"
#include "net/auth/identity.hpp"

#include <chrono>
#include <string>
#include <string_view>

namespace factord::auth {

// What a server accepts JWTs with. The keys decide the algorithms: a secret allows HS256
// (and only with that secret), a public key allows the one algorithm its type is for:
// RSA -> RS256, EC P-256 -> ES256. Both may be set; neither means no JWT is accepted.
struct jwt_keys {
  std::string hs256_secret;   // empty: HS256 tokens are refused
  std::string public_key_pem; // "-----BEGIN PUBLIC KEY-----..."; empty: RS256/ES256 refused
  std::chrono::seconds leeway{config::limits::jwt_clock_leeway}; // forgiven on exp and nbf
};

// The keys from --auth-jwt-secret (may be empty) and --auth-jwt-public-key (a file path,
// may be empty), checked so that a bad one stops startup with a message saying what to
// fix: a secret shorter than 32 bytes or one that is a PEM key (bad_value); a key file
// that cannot be read (unreadable_file); a file that is not a PEM public key, an RSA key
// under 2048 bits, an EC key not on P-256, another key type (bad_value). The returned
// public_key_pem is the key re-encoded by OpenSSL: one key, nothing else from the file.
factord::result<jwt_keys, config::errc> load_jwt_keys(std::string_view secret,
                                                      const std::string& public_key_file);

// The algorithms `keys` accept, for a startup log line and error messages: "HS256",
// "RS256", "HS256, ES256", or "" when none.
std::string accepted_jwt_algorithms(const jwt_keys& keys);

// The identity a compact JWS token (header.payload.signature) stands for, at time `now`.
// Refused (each with a message that names what to fix and never repeats the token):
//   malformed          empty, over config::limits::max_jwt_bytes, not three base64url
//                      parts, a header or payload that is not a JSON object, a typ other
//                      than JWT, a crit header
//   algorithm_refused  alg none, or an alg the configured keys are not for
//   bad_signature      the signature does not verify with the key for that alg
//   expired            now >= exp + leeway
//   not_yet_valid      now < nbf - leeway
//   bad_claims         sub missing or not a valid caller id (config/caller_id.hpp), exp or
//                      nbf not a number of seconds, a malformed "factord" claim
// The optional "factord" claim holds per-caller settings: {"weight": 1..100, "rate": >0,
// "burst": >=1, "max_queued": >=1, "max_digits": 1..10000, "admin": bool}, each optional,
// no other field. identity::expires is exp (without the leeway), or max() with no exp.
result<identity> verify_jwt(std::string_view token, const jwt_keys& keys,
                            std::chrono::system_clock::time_point now);

} // namespace factord::auth
